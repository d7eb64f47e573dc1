"""The Celery app. Jobs live in each app's tasks.py and call plain functions; the settings are the
CELERY_* names in tthc_portal/settings.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tthc_portal.settings")

app = Celery("tthc_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
