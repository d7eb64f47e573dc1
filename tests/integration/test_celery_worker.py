"""Plan PDFs through the real path: request_plan_pdf → Redis → a `celery worker` process →
PostgreSQL and MEDIA_ROOT, and back to the job record the page polls."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from plans.models import Decision, Plan, PlanPdf
from plans.pdf.services import request_plan_pdf
from tthc_portal.celery import app as celery_app
from tthc_portal.jobs import JobState

# serialized_rollback: the data migrations' rows (reporting periods, which seed_demo needs) are
# restored before each test; the previous transactional test's flush removed them.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VIETNAMESE_LETTER = re.compile(r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.IGNORECASE)


def _le_loi_2024():
    return Plan.objects.select_related("unit").get(unit__slug="le-loi", year=2024)


def test_worker_renders_the_plan_pdf(transactional_db, seed, celery_worker, wait_for_job):
    assert not celery_app.conf.task_always_eager
    plan = _le_loi_2024()

    job = request_plan_pdf(plan=plan)

    assert job.plan_version == plan.version
    assert job.state in {JobState.QUEUED, JobState.RUNNING}, job.state  # the worker may already have it
    job = wait_for_job(job, worker=celery_worker)
    assert job.state == JobState.DONE, f"job failed: {job.error!r}\n{celery_worker.describe()}"
    assert job.error == ""
    assert job.attempts == 1
    assert job.started_at and job.finished_at and job.queued_at <= job.started_at <= job.finished_at
    assert job.pages and job.pages > 5

    assert job.file.name.startswith("plans/le-loi/2024/")
    assert default_storage.exists(job.file.name), f"{job.file.name} is not under MEDIA_ROOT"
    with job.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(data)).pages) == job.pages

    # It was the worker that rendered it, having received the job through Redis.
    log = celery_worker.log()
    assert re.search(r"Task plans\.tasks\.render_plan_pdf\[[0-9a-f-]+\] received", log), celery_worker.describe()
    assert re.search(r"Task plans\.tasks\.render_plan_pdf\[[0-9a-f-]+\] succeeded", log), celery_worker.describe()
    assert PlanPdf.objects.filter(plan=plan).count() == 1

    # Asking again for the same version reuses the finished job: no second render.
    again = request_plan_pdf(plan=plan)
    assert (again.pk, again.state, again.attempts) == (job.pk, JobState.DONE, 1)


def test_failed_render_is_recorded_and_can_be_queued_again(transactional_db, seed, start_celery_worker, wait_for_job):
    plan = _le_loi_2024()
    Decision.objects.filter(plan=plan).delete()  # the render needs the decision: it fails for real
    plan = _le_loi_2024()
    worker = start_celery_worker()

    job = wait_for_job(request_plan_pdf(plan=plan), worker=worker)

    assert job.state == JobState.FAILED, worker.describe()
    assert "tạo được PDF" in job.error, job.error
    assert VIETNAMESE_LETTER.search(job.error), job.error
    assert job.attempts == 1
    assert not job.file and job.pages is None and job.finished_at
    first_queued_at = job.queued_at

    # "Thử lại": the failed job goes back to the queue. With no worker running it stays queued,
    # which makes the intermediate state observable without a race.
    worker.stop()
    again = request_plan_pdf(plan=plan)
    assert again.pk == job.pk
    assert again.state == JobState.QUEUED
    assert again.error == "" and again.finished_at is None and again.queued_at > first_queued_at

    # The message waited in Redis; a new worker runs it, and it fails again the same way.
    second_worker = start_celery_worker()
    again = wait_for_job(again, worker=second_worker)
    assert again.state == JobState.FAILED, second_worker.describe()
    assert "tạo được PDF" in again.error, again.error
    assert again.attempts == 2
    assert PlanPdf.objects.filter(plan=plan).count() == 1


def test_healthz_is_green_with_a_worker_answering(transactional_db, celery_worker, client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "worker": "ok"}
