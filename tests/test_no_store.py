"""Nothing shown to a signed-in user is kept by a browser or proxy cache (issue 14): pages, fragments
and downloads are `Cache-Control: no-store`."""

import pytest
from django.test import Client
from django.urls import reverse

from orgs.models import User
from plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(seed):
    client = Client()
    client.force_login(User.objects.get(username="le-loi-editor"))
    return client


def test_an_authenticated_page_is_no_store(editor):
    plan = Plan.objects.get(unit__slug="le-loi")
    assert editor.get(reverse("plans:detail", args=[plan.pk]))["Cache-Control"] == "no-store"


def test_a_download_is_no_store(editor):
    plan = Plan.objects.get(unit__slug="le-loi")
    response = editor.get(reverse("plans:export_xlsx", args=[plan.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"


def test_without_the_middleware_they_would_not_be(editor, settings):
    """The two checks above can fail: the portal's pages set no cache header of their own."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "orgs.middleware.NoStoreMiddleware"]
    plan = Plan.objects.get(unit__slug="le-loi")
    assert "no-store" not in editor.get(reverse("plans:detail", args=[plan.pk])).get("Cache-Control", "")
