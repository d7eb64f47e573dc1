"""The portal's Celery app with every report render slowed down by 30 seconds, after the files are built
and before they are stored: `celery -A tests.integration.slow_render worker` is the worker that the
integration test kills in the middle of a render (test_report_jobs.py). Nothing in the product knows
about it."""

import time

import django

from tthc_portal.celery import app  # noqa: F401 - the app `celery -A` finds in this module

SLOW_SECONDS = 30

django.setup()

from reports import services  # noqa: E402 - needs the apps loaded

_build_report_files = services.build_report_files


def _slowly(**kwargs):
    built = _build_report_files(**kwargs)
    time.sleep(SLOW_SECONDS)
    return built


services.build_report_files = _slowly
