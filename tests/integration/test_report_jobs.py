"""Report jobs through the real path: request_report → Redis → a `celery worker` process →
PostgreSQL and MEDIA_ROOT, and back to the record the page polls — including a worker killed with
SIGKILL in the middle of a render.

The kill needs a render that is still running when the test strikes: that worker runs the Celery app
of tests/integration/slow_render.py, the portal's own with each report render slowed down after the
files are built and before they are stored. The product has no such hook."""

import io
import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from orgs.models import User
from periods.models import ReportingPeriod
from plans.models import Plan
from reports.models import ProgressSnapshot, ReportDocument
from reports.services import request_report
from tthc_portal.celery import app as celery_app
from tthc_portal.jobs import JobState, recover_lost_jobs

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _thanh_thuy():
    return Plan.objects.select_related("unit__parent").get(unit__slug="thanh-thuy", year=2023)


def _flat(text):
    return re.sub(r"\s+", " ", text).strip()


def _page_as_editor(plan):
    client = Client()
    client.force_login(User.objects.get(username="thanh-thuy-editor"))
    return client.get(f"/bao-cao/{plan.pk}/9M/").content.decode()


def test_a_worker_renders_the_report_pdf_and_xlsx(transactional_db, seed, celery_worker, wait_for_job):
    assert not celery_app.conf.task_always_eager
    plan, period = _thanh_thuy(), ReportingPeriod.objects.get(code="9M")

    job = request_report(plan=plan, period=period)
    assert job.state in {JobState.QUEUED, JobState.RUNNING}, job.state
    job = wait_for_job(job, worker=celery_worker)

    assert job.state == JobState.DONE, f"job failed: {job.error!r}\n{celery_worker.describe()}"
    assert (job.attempts, job.error, job.plan_version) == (1, "", plan.version)
    with job.file_pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) == job.pages
    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    assert "Kết quả thực hiện 9 tháng đầu năm 2023" in text
    assert (
        "Tổng nội dung công việc: 32 Nội dung đã thực hiện trong 9 tháng đầu năm 2023: 29 Tỷ lệ hoàn thành kế "
        "hoạch: 90.625" in text
    )
    with job.file_xlsx.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert [row[1] for row in sheet.iter_rows(values_only=True)][-1] == "Tỷ lệ hoàn thành kế hoạch: 90.625"
    assert ProgressSnapshot.objects.get(plan=plan, period=period).done == 29

    log = celery_worker.log()
    assert re.search(r"Task reports\.tasks\.render_report\[[0-9a-f-]+\] received", log), celery_worker.describe()
    assert re.search(r"Task reports\.tasks\.render_report\[[0-9a-f-]+\] succeeded", log), celery_worker.describe()

    again = request_report(plan=plan, period=period)  # the finished document is kept
    assert (again.pk, again.state, again.attempts) == (job.pk, JobState.DONE, 1)
    assert ReportDocument.objects.count() == 1
    assert f"/bao-cao/{plan.pk}/tep/{job.pk}/pdf/" in _page_as_editor(plan)


def test_a_worker_killed_mid_render_leaves_one_report_after_recovery(
    transactional_db, seed, start_celery_worker, celery_worker_env, wait_for_job
):
    plan, period = _thanh_thuy(), ReportingPeriod.objects.get(code="9M")
    doomed = start_celery_worker(pool="prefork", app="tests.integration.slow_render")  # only it renders slowly

    job = wait_for_job(request_report(plan=plan, period=period), worker=doomed, states=("running",))
    time.sleep(2)  # well inside the render (figures, PDF, .xlsx done; now in the delay before the files are stored)
    doomed.kill()  # SIGKILL to the worker and its pool child, as a crash or the OOM killer would

    job.refresh_from_db()
    assert (job.state, job.attempts, bool(job.file_pdf)) == (JobState.RUNNING, 1, False), doomed.describe()
    assert "Đang xử lý" in _page_as_editor(plan)  # still shown as running: the bar keeps polling

    rescuer = start_celery_worker()
    # The message is still unacknowledged in Redis and would come back only after the visibility
    # timeout (an hour); the job's state in PostgreSQL says it is lost (here: running with no worker,
    # so any age counts), and recovery queues it again.
    assert recover_lost_jobs(running_for=timedelta(0)) == {
        "plan_pdf": 0,
        "plan_signature": 0,
        "report": 1,
        "report_signature": 0,
    }
    job = wait_for_job(job, worker=rescuer)

    assert job.state == JobState.DONE, f"{job.error!r}\n{rescuer.describe()}"
    assert job.attempts == 2
    assert ReportDocument.objects.filter(plan=plan, period=period, plan_version=plan.version).count() == 1
    assert ReportDocument.objects.count() == 1
    with job.file_pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    page = _page_as_editor(plan)
    assert f'href="/bao-cao/{plan.pk}/tep/{job.pk}/pdf/"' in page
    assert f"Tải báo cáo PDF ({job.pages} trang)" in page
