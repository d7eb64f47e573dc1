import pytest
from django.core.management import call_command

from tthc_portal.celery import app as celery_app


@pytest.fixture(autouse=True)
def _jobs_in_process(request, settings):
    """Jobs run in-process in every test except the integration tests, which use a real worker."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seed(db):
    """The real seed data: units, indicators, the four plans and the demo users."""
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))


@pytest.fixture
def le_loi_plan(seed):
    from plans.models import Plan

    return Plan.objects.get(unit__slug="le-loi", year=2024)
