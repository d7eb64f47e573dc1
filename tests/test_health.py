"""/healthz: no login, no data, the database, the broker and a worker."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_needs_no_login_and_says_which_check_failed(client):
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 503  # no Celery worker runs beside the unit tests
    assert body["status"] == "error"
    assert (body["checks"]["database"], body["checks"]["broker"]) == ("ok", "ok")
    assert body["checks"]["worker"].startswith("lỗi:")
    assert set(body) == {"status", "checks"}


def test_healthz_reports_a_database_that_does_not_answer(client, monkeypatch):
    from tthc_portal import health

    def down():
        raise RuntimeError("connection refused")

    monkeypatch.setattr(health, "_database", down)
    assert client.get(reverse("healthz")).json()["checks"]["database"] == "lỗi: connection refused"


def test_in_process_jobs_need_no_broker_or_worker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "in-process", "worker": "in-process"}
