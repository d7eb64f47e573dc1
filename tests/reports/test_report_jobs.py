"""Report jobs in-process (Celery eager): one stored report per (plan, period, plan version), the
progress snapshot, failures with their reason, the reviewer's batch, and lost jobs sent again."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

import reports.services
from orgs.models import Unit
from periods.models import ReportingPeriod
from plans.models import Plan, PlanPdf
from reports.models import ProgressSnapshot, ReportDocument
from reports.services import advance_batch, render_report_now, request_batch, request_report
from reports.tasks import compute_progress
from tasks.models import TaskProgress
from tests.factories import DecisionFactory, PlanFactory, SectionFactory, TaskFactory, UnitFactory, member
from tthc_portal.jobs import JobState, recover_lost_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def thanh_thuy(seed):
    return Plan.objects.select_related("unit__parent").get(unit__slug="thanh-thuy", year=2023)


@pytest.fixture
def nine_months(db):
    return ReportingPeriod.objects.get(code="9M")


def _request(plan, period, capture, **kwargs):
    with capture(execute=True):
        job = request_report(plan=plan, period=period, **kwargs)
    job.refresh_from_db()
    return job


def test_a_requested_report_is_rendered_as_pdf_and_xlsx(thanh_thuy, nine_months, django_capture_on_commit_callbacks):
    job = _request(thanh_thuy, nine_months, django_capture_on_commit_callbacks)

    assert job.state == JobState.DONE, job.error
    assert (job.plan_version, job.attempts, job.pages) == (thanh_thuy.version, 1, job.pages)
    assert job.pages >= 8
    assert job.file_pdf.name.startswith("reports/thanh-thuy/2023/bao-cao-thanh-thuy-2023-9m-v")
    assert default_storage.open(job.file_pdf.name).read(5) == b"%PDF-"
    assert default_storage.open(job.file_xlsx.name).read(2) == b"PK"
    snapshot = ProgressSnapshot.objects.get(plan=thanh_thuy, period=nine_months)
    assert (snapshot.total, snapshot.done, str(snapshot.rate.normalize())) == (32, 29, "90.625")


def test_rendering_twice_keeps_one_document_and_the_finished_files(
    thanh_thuy, nine_months, django_capture_on_commit_callbacks
):
    first = _request(thanh_thuy, nine_months, django_capture_on_commit_callbacks)

    again = render_report_now(plan_id=thanh_thuy.pk, period_code="9M")  # e.g. the message delivered twice
    asked_again = _request(thanh_thuy, nine_months, django_capture_on_commit_callbacks)  # no change, not asked anew

    assert again.pk == asked_again.pk == first.pk
    assert (asked_again.attempts, asked_again.file_pdf.name) == (1, first.file_pdf.name)
    assert ReportDocument.objects.filter(plan=thanh_thuy, period=nine_months).count() == 1


def test_rendering_again_replaces_the_files_of_the_same_record(
    thanh_thuy, nine_months, django_capture_on_commit_callbacks
):
    first = _request(thanh_thuy, nine_months, django_capture_on_commit_callbacks)
    old_pdf = first.file_pdf.name

    second = _request(thanh_thuy, nine_months, django_capture_on_commit_callbacks, again=True)

    assert second.pk == first.pk and second.state == JobState.DONE and second.attempts == 2
    assert ReportDocument.objects.filter(plan=thanh_thuy, period=nine_months).count() == 1
    assert default_storage.exists(second.file_pdf.name)
    if second.file_pdf.name != old_pdf:
        assert not default_storage.exists(old_pdf)


def test_a_new_plan_version_gets_its_own_document(thanh_thuy, nine_months, django_capture_on_commit_callbacks):
    first = _request(thanh_thuy, nine_months, django_capture_on_commit_callbacks)
    thanh_thuy.mark_changed()

    second = _request(thanh_thuy, nine_months, django_capture_on_commit_callbacks)

    assert second.pk != first.pk and second.plan_version == first.plan_version + 1
    stale = render_report_now(plan_id=thanh_thuy.pk, period_code="9M", version=first.plan_version + 5)
    assert stale.state == JobState.FAILED and "Kế hoạch đã thay đổi" in stale.error


def test_compute_progress_writes_one_snapshot_per_plan_and_period(thanh_thuy, nine_months):
    assert compute_progress.delay(thanh_thuy.pk, "9M").get() == [29, 32]
    TaskProgress.objects.filter(task__section__plan=thanh_thuy, period=nine_months, status="in_progress").update(
        status="not_started"
    )

    assert compute_progress.delay(thanh_thuy.pk, "9m").get() == [18, 32]

    snapshot = ProgressSnapshot.objects.get(plan=thanh_thuy, period=nine_months)
    assert (snapshot.done, snapshot.by_status["not_started"], snapshot.plan_version) == (18, 14, thanh_thuy.version)
    assert ProgressSnapshot.objects.count() == 1


def test_a_failed_render_records_its_reason_and_can_be_retried(
    thanh_thuy, nine_months, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(reports.services, "build_report_pdf", broken)
    job = _request(thanh_thuy, nine_months, django_capture_on_commit_callbacks)
    assert job.state == JobState.FAILED
    assert job.error == "Không tạo được báo cáo do lỗi hệ thống. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống."
    assert not job.file_pdf

    assert render_report_now(plan_id=thanh_thuy.pk, period_code="9M").attempts == 1  # a stray copy does not retry it
    monkeypatch.undo()
    retried = _request(thanh_thuy, nine_months, django_capture_on_commit_callbacks)
    assert (retried.pk, retried.state, retried.error, retried.attempts) == (job.pk, JobState.DONE, "", 2)


def test_a_running_job_is_left_to_its_task_unless_lost(thanh_thuy, nine_months):
    job = ReportDocument.objects.create(plan=thanh_thuy, period=nine_months, plan_version=thanh_thuy.version)
    ReportDocument.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=timezone.now(), task_id="task-a", attempts=1
    )

    other = render_report_now(plan_id=thanh_thuy.pk, period_code="9M", task_id="task-b")
    assert (other.state, other.attempts) == (JobState.RUNNING, 1)  # another copy of the message: hands off

    redelivered = render_report_now(plan_id=thanh_thuy.pk, period_code="9M", task_id="task-a")
    assert (redelivered.state, redelivered.attempts) == (JobState.DONE, 2)  # the same task, back after a crash

    ReportDocument.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=timezone.now() - timedelta(hours=1), task_id="task-a", file_pdf=""
    )
    lost = render_report_now(plan_id=thanh_thuy.pk, period_code="9M", task_id="task-c")
    assert (lost.state, lost.task_id) == (JobState.DONE, "task-c")


# --- the reviewer's batch ----------------------------------------------------------------------------


@pytest.fixture
def district(db):
    district = UnitFactory(name="Huyện Thử", slug="huyen-thu", kind=Unit.Kind.DISTRICT)
    for name in ("An", "Bình", "Cường"):
        commune = UnitFactory(name=name, slug=f"xa-{name.lower()}", parent=district)
        plan = PlanFactory(unit=commune, year=2023)
        DecisionFactory(plan=plan, place=name)
        section = SectionFactory(plan=plan, number="I")
        for number in ("1", "2"):
            TaskFactory(section=section, number=number, content=f"Nội dung {number} của xã {name}")
    UnitFactory(name="Không kế hoạch", slug="xa-khong", parent=district)  # no plan for 2023: not in the batch
    return district


def test_the_batch_renders_every_commune_and_goes_on_past_a_failure(
    district, nine_months, monkeypatch, django_capture_on_commit_callbacks
):
    reviewer = member(district, "reviewer")
    real = reports.services.build_report_pdf

    def fails_for_binh(report, **kwargs):
        if report.plan.unit.name == "Bình":
            raise RuntimeError("lỗi dữ liệu")
        return real(report, **kwargs)

    monkeypatch.setattr(reports.services, "build_report_pdf", fails_for_binh)
    with django_capture_on_commit_callbacks(execute=True):
        batch = request_batch(reviewer=reviewer, unit=district, period=nine_months, year=2023)

    states = {d.plan.unit.name: (d.state, d.error) for d in batch.documents.select_related("plan__unit")}
    assert set(states) == {"An", "Bình", "Cường"}
    assert states["An"][0] == states["Cường"][0] == JobState.DONE
    assert states["Bình"] == (
        JobState.FAILED,
        "Không tạo được báo cáo do lỗi hệ thống. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.",
    )
    assert batch.counts() == {"total": 3, "done": 2, "failed": 1, "active": 0, "finished": 3, "percent": 100}


def test_a_batch_queues_its_reports_a_chunk_at_a_time(
    district, nine_months, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_BATCH_CHUNK = 2
    with django_capture_on_commit_callbacks(execute=False):  # nothing runs: the jobs stay queued
        batch = request_batch(reviewer=member(district, "reviewer"), unit=district, period=nine_months, year=2023)
        assert batch.documents.count() == 2  # the first chunk only
        assert batch.counts() == {"total": 3, "done": 0, "failed": 0, "active": 3, "finished": 0, "percent": 0}
        assert advance_batch(batch_id=batch.pk) == 0  # the chunk is full
        batch.documents.filter(pk=batch.documents.order_by("pk").first().pk).update(state=JobState.DONE)
        assert advance_batch(batch_id=batch.pk) == 1  # a place freed: the last commune
        assert batch.documents.count() == 3 and advance_batch(batch_id=batch.pk) == 0


def test_a_batch_runs_to_its_end_one_chunk_after_the_other(
    district, nine_months, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_BATCH_CHUNK = 1
    with django_capture_on_commit_callbacks(execute=True):
        batch = request_batch(reviewer=member(district, "reviewer"), unit=district, period=nine_months, year=2023)
    assert batch.counts()["done"] == 3 and batch.counts()["active"] == 0


def test_only_a_reviewer_of_the_unit_may_batch(district, nine_months):
    commune_editor = member(Unit.objects.get(slug="xa-an"), "editor")
    district_editor = member(district, "editor")
    for user in (commune_editor, district_editor):
        with pytest.raises(PermissionDenied):
            request_batch(reviewer=user, unit=district, period=nine_months, year=2023)


# --- lost jobs -----------------------------------------------------------------------------------------


def test_lost_jobs_are_sent_again_from_their_state(thanh_thuy, nine_months, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - timedelta(hours=2)
    queued = ReportDocument.objects.create(plan=thanh_thuy, period=nine_months, plan_version=thanh_thuy.version)
    ReportDocument.objects.filter(pk=queued.pk).update(queued_at=long_ago)
    le_loi = Plan.objects.get(unit__slug="le-loi")
    running = PlanPdf.objects.create(
        plan=le_loi, plan_version=le_loi.version, state=JobState.RUNNING, started_at=long_ago, attempts=1
    )
    fresh = PlanPdf.objects.create(
        plan=Plan.objects.get(unit__slug="ha-tan"), plan_version=1
    )  # queued just now: waiting

    with django_capture_on_commit_callbacks(execute=True):
        assert recover_lost_jobs() == {"plan_pdf": 1, "plan_signature": 0, "report": 1, "report_signature": 0}

    queued.refresh_from_db(), running.refresh_from_db(), fresh.refresh_from_db()
    assert queued.state == JobState.DONE and queued.is_ready
    assert running.state == JobState.DONE and running.attempts == 2
    assert fresh.state == JobState.QUEUED
    assert recover_lost_jobs() == {"plan_pdf": 0, "plan_signature": 0, "report": 0, "report_signature": 0}


def test_the_recover_jobs_command_reports_what_it_sent(db):
    out = io.StringIO()
    call_command("recover_jobs", stdout=out)
    assert out.getvalue().strip() == "Đã gửi lại 0 tác vụ PDF kế hoạch và 0 tác vụ báo cáo."


# --- the render_report command -------------------------------------------------------------------------


def test_the_command_renders_the_pdf_and_the_xlsx(thanh_thuy, tmp_path):
    out = io.StringIO()
    call_command(
        "render_report", unit="Thanh Thủy", year=2023, period="9M", output=str(tmp_path / "tt.pdf"), stdout=out
    )
    call_command(
        "render_report", unit="thanh-thuy", year=2023, period="9m", output=str(tmp_path / "tt.xlsx"), stdout=out
    )

    assert (tmp_path / "tt.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "tt.xlsx").read_bytes().startswith(b"PK")
    assert f"Đã ghi {tmp_path / 'tt.pdf'}:" in out.getvalue()
    assert not ReportDocument.objects.exists()  # synchronous: no job record


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"unit": "Không Có", "year": 2023, "period": "9M"}, "Không tìm thấy đơn vị “Không Có”."),
        ({"unit": "Thanh Thủy", "year": 2030, "period": "9M"}, "Xã Thanh Thủy chưa có kế hoạch năm 2030."),
        ({"unit": "Thanh Thủy", "year": 2023, "period": "10M"}, "Không có kỳ báo cáo “10M”."),
    ],
)
def test_the_command_refuses_what_it_cannot_find(thanh_thuy, tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("render_report", output=str(tmp_path / "x.pdf"), **options)
    assert not (tmp_path / "x.pdf").exists()


def test_a_database_outage_mid_render_is_retried_by_the_same_task(thanh_thuy, nine_months, monkeypatch):
    from django.db import OperationalError

    real = reports.services.build_report_files
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(reports.services, "build_report_files", flaky)
    with pytest.raises(OperationalError):
        render_report_now(plan_id=thanh_thuy.pk, period_code="9M", task_id="task-a")
    job = ReportDocument.objects.get()
    assert job.state == JobState.RUNNING  # not failed: Celery's autoretry runs it again

    retried = render_report_now(plan_id=thanh_thuy.pk, period_code="9M", task_id="task-a")

    assert (retried.pk, retried.state, retried.attempts) == (job.pk, JobState.DONE, 2)
