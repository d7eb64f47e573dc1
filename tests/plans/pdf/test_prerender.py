"""A plan's PDF is rendered in the background once the plan has settled, so "Tải PDF" of an unchanged
plan is a download of the stored file."""

from unittest import mock

import pytest
from django.core.cache import cache

from plans.models import PlanPdf
from plans.pdf import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def settle(settings):
    settings.PLAN_PDF_SETTLE_SECONDS = 60
    cache.clear()


def test_a_change_schedules_one_delayed_render_of_the_new_version(
    settle, le_loi_plan, django_capture_on_commit_callbacks
):
    with mock.patch("plans.tasks.prerender_plan_pdf.apply_async") as scheduled:
        with django_capture_on_commit_callbacks(execute=True):
            le_loi_plan.mark_changed()
            le_loi_plan.mark_changed()  # a second edit in the same minute schedules nothing more
    scheduled.assert_called_once_with((le_loi_plan.pk, le_loi_plan.version), countdown=60)


def test_the_settled_version_is_rendered_and_the_download_reuses_it(settle, le_loi_plan):
    job = services.prerender_now(plan_id=le_loi_plan.pk, version=le_loi_plan.version)
    assert job.is_ready and job.pages > 1
    assert services.request_plan_pdf(plan=le_loi_plan).pk == job.pk  # no second render


def test_a_plan_that_changed_again_waits_for_its_newer_version(settle, le_loi_plan):
    old = le_loi_plan.version
    le_loi_plan.mark_changed()
    with mock.patch("plans.tasks.prerender_plan_pdf.apply_async") as scheduled:
        assert services.prerender_now(plan_id=le_loi_plan.pk, version=old) is None
    scheduled.assert_called_once_with((le_loi_plan.pk, le_loi_plan.version), countdown=60)
    assert not PlanPdf.objects.filter(plan=le_loi_plan).exists()


def test_nothing_is_scheduled_when_turned_off(settings, le_loi_plan, django_capture_on_commit_callbacks):
    settings.PLAN_PDF_SETTLE_SECONDS = 0
    with mock.patch("plans.tasks.prerender_plan_pdf.apply_async") as scheduled:
        with django_capture_on_commit_callbacks(execute=True):
            le_loi_plan.mark_changed()
    scheduled.assert_not_called()
