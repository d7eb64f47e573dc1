"""State changes on reports. Views, Celery jobs, management commands and tests all call these.

Jobs (ReportDocument, a tthc_portal.jobs.JobRecord):
- One record per (plan, period, plan version) — a unique constraint — so running a render twice
  replaces the files of that record, never adds a second one.
- `request_report` reuses a running or finished record (unless asked to render again), otherwise
  marks it queued and sends `reports.tasks.render_report` once the transaction commits.
- `render_report_now` claims the record (`_claim`): it renders when the record is queued, or running
  under this same Celery task (a retry after a database error, or the message redelivered after its
  worker died), or running for longer than any job may run (lost). Another copy of the message
  leaves a running record alone, and a finished record is kept as it is.
- A job lost with its worker is found and sent again by tthc_portal.jobs.recover_lost_jobs
  (ReportDocument.queue).
"""

import logging
from decimal import Decimal

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Count, F
from django.utils import timezone

from indicators.selectors import kpi_rows
from orgs.models import COMMUNE_LEVEL_KINDS, Membership, Unit
from orgs.scoping import manages_unit, roles_for
from periods.models import ReportingPeriod
from plans.models import Plan
from tthc_portal.jobs import JobState

from . import drafting
from .documents import build_report_pdf, report_facts, report_table
from .exporting import report_xlsx
from .models import ProgressSnapshot, Report, ReportBatch, ReportDocument
from .progress import plan_progress
from .signing import is_sent

logger = logging.getLogger(__name__)

DEFAULT_SIGNER = ("TM.", "ỦY BAN NHÂN DÂN\nCHỦ TỊCH")


# --- permissions -------------------------------------------------------------------------------------


def can_write_report(user, plan):
    """The editor or administrator of the plan's own unit writes its report and asks for its files."""
    return manages_unit(user, plan.unit)


def can_request_batch(user, unit):
    """A reviewer of the unit (or of a unit above it) renders the reports of the communes below it."""
    return user.is_authenticated and (user.is_superuser or Membership.Role.REVIEWER in roles_for(user, unit))


def batch_units(user):
    """The units whose communes' reports the user may render in one action (not communes themselves)."""
    if user.is_superuser:
        units = Unit.objects.all()
    else:
        units = Unit.objects.filter(memberships__user=user, memberships__role=Membership.Role.REVIEWER)
    kinds = [Unit.Kind.NATION, Unit.Kind.PROVINCE, Unit.Kind.DISTRICT]
    return units.filter(kind__in=kinds).distinct().order_by("path")


# --- the report and its narrative ---------------------------------------------------------------------


def _defaults(plan):
    decision = getattr(plan, "decision", None)
    parent = plan.unit.parent
    recipients = [r.text.rstrip(";.") for r in decision.recipients.all() if r.group == "Để báo cáo"] if decision else []
    if not recipients and parent is not None:
        recipients = [f"UBND {parent.get_kind_display().lower()}"]
    prefix, title = DEFAULT_SIGNER
    if decision and decision.signer_title.strip():
        prefix, title = decision.signer_prefix, decision.signer_title
    return {
        "place": decision.place if decision else plan.unit.name,
        "recipients": "\n".join([f"{line};" for line in recipients] + ["Lưu: VT, VP."]),
        "signer_prefix": prefix,
        "signer_title": title,
        "signer_name": decision.signer_name if decision else "",
    }


def draft_texts(report, *, tally=None, kpi=None):
    """The first draft of every narrative field, from the data as it stands."""
    return drafting.draft(report_facts(report.plan, report.period, tally=tally, kpi=kpi))


def fill_drafts(report, *, overwrite=False, user=None, tally=None, kpi=None):
    """Write the first draft into the narrative fields that are empty (every field with
    overwrite=True: "Soạn lại bản nháp"). An edited field is never touched otherwise. Returns the
    names of the fields written."""
    names = _apply_drafts(report, overwrite=overwrite, tally=tally, kpi=kpi)
    if not names:
        return []
    fields = names + ["updated_at"]
    if user is not None:
        report.updated_by = user
        fields.append("updated_by")
    report.save(update_fields=fields)
    return names


def _apply_drafts(report, *, overwrite=False, tally=None, kpi=None):
    """Put the first draft into the report's empty narrative fields (all with overwrite=True), in
    memory only. Returns the names of the fields set."""
    names = [name for name in Report.NARRATIVE_FIELDS if overwrite or not getattr(report, name).strip()]
    if names:
        texts = draft_texts(report, tally=tally, kpi=kpi)
        for name in names:
            setattr(report, name, texts[name])
    return names


def read_report(*, plan, period, tally=None, kpi=None):
    """The plan's report for the period as the page shows it, writing nothing: the stored report, or
    (before anyone wrote one) a new unsaved one with the decision's place, signer and recipients; its
    empty narrative fields show the first draft."""
    report = Report.objects.select_related("period").filter(plan=plan, period=period).first()
    if report is None:
        report = Report(plan=plan, period=period, **_defaults(plan))
    elif not (report.place or report.signer_title or report.recipients):  # e.g. a seeded report
        for name, value in _defaults(plan).items():
            setattr(report, name, value)
    report.plan = plan  # the caller's instance, with what it already loaded
    _apply_drafts(report, tally=tally, kpi=kpi)
    return report


def get_report(*, plan, period, tally=None, kpi=None):
    """The plan's report for the period to write to or render: created on first use with the
    decision's place, signer and recipients, and its empty narrative fields filled with the first
    draft (from `tally` and `kpi` when the caller already has them) and stored."""
    report, created = Report.objects.select_related("plan__unit__parent", "period").get_or_create(
        plan=plan, period=period, defaults=_defaults(plan)
    )
    if not created and not (report.place or report.signer_title or report.recipients):  # e.g. a seeded report
        defaults = _defaults(plan)
        for name, value in defaults.items():
            setattr(report, name, value)
        report.save(update_fields=[*defaults, "updated_at"])
    report.plan = plan  # the caller's instance, with what it already loaded
    fill_drafts(report, tally=tally, kpi=kpi)
    return report


SENT_MESSAGE = "Báo cáo đã được ký số và gửi: không sửa được nữa."


def update_report(*, report, user, changes):
    """Store what staff wrote (the form's cleaned data)."""
    if not can_write_report(user, report.plan):
        raise PermissionDenied(denied_message(report.plan))
    if is_sent(report):
        raise PermissionDenied(SENT_MESSAGE)
    for name, value in changes.items():
        setattr(report, name, value)
    report.updated_by = user
    report.save()
    return report


def regenerate_draft(*, report, user):
    if not can_write_report(user, report.plan):
        raise PermissionDenied(denied_message(report.plan))
    if is_sent(report):
        raise PermissionDenied(SENT_MESSAGE)
    return fill_drafts(report, overwrite=True, user=user)


def denied_message(plan):
    return f"Chỉ công chức soạn thảo hoặc quản trị của {plan.unit} được soạn và tạo báo cáo này."


# --- progress snapshot (reports.tasks.compute_progress) --------------------------------------------------


def compute_progress_now(*, plan, period):
    """The plan's tally at the period's cut-off, stored as its ProgressSnapshot (one per plan and
    period, replaced each time). Returns (snapshot, tally)."""
    tally = plan_progress(plan=plan, period=period)
    data = tally.as_dict()
    snapshot, _ = ProgressSnapshot.objects.update_or_create(
        plan=plan,
        period=period,
        defaults={
            "plan_version": plan.version,
            "total": tally.total,
            "done": tally.done,
            "rate": tally.rate.quantize(Decimal("0.00001")),
            "by_status": data["by_status"],
            "late": data["late"],
            "computed_at": timezone.now(),
        },
    )
    return snapshot, tally


# --- rendering -----------------------------------------------------------------------------------------


def build_report_files(*, plan, period):
    """The report's PDF (tthc_portal.printing.PdfResult) and .xlsx bytes, from fresh figures: the
    code the job and the render_report command share."""
    _, tally = compute_progress_now(plan=plan, period=period)
    kpi = kpi_rows(plan=plan, period=period)
    report = get_report(plan=plan, period=period, tally=tally, kpi=kpi)
    pdf = build_report_pdf(report, tally=tally, kpi=kpi)
    xlsx = report_xlsx(report, tally=tally, sections=report_table(plan, period))
    return report, pdf, xlsx


def request_report(*, plan, period, user=None, batch=None, again=False):
    """Ask for the report files of the plan's current version: reuse a running job, and a finished
    one unless `again` (staff changed the text or the figures and want it rendered anew); otherwise
    queue a render. Returns the ReportDocument."""
    with transaction.atomic():
        job, created = ReportDocument.objects.select_for_update().get_or_create(
            plan=plan, period=period, plan_version=plan.version, defaults={"requested_by": user, "batch": batch}
        )
        if batch is not None:
            ReportDocument.objects.filter(plan=plan, period=period, batch=batch).exclude(pk=job.pk).update(batch=None)
            if job.batch_id != batch.pk:
                job.batch = batch
                job.save(update_fields=["batch"])
        if not created and (job.is_active or (job.is_ready and not again)):
            return job
        if not created:
            job.requested_by = user or job.requested_by
            job.save(update_fields=["requested_by"])
            job.mark_queued()
        transaction.on_commit(job.queue)
    job.refresh_from_db()
    return job


def _claim(job_pk, task_id):
    """Take the job for this run, or None when it is not this run's to render (finished, failed and
    not asked again, or running under another task that is still alive)."""
    with transaction.atomic():
        job = (
            ReportDocument.objects.select_for_update(of=("self",)).select_related("plan__unit", "period").get(pk=job_pk)
        )
        if job.state == JobState.DONE and job.is_ready:
            return None, job
        if job.state == JobState.FAILED:
            return None, job
        if job.state == JobState.RUNNING and not job.is_lost and not (task_id and job.task_id == task_id):
            return None, job
        job.task_id = task_id or ""
        job.error = ""
        job.save(update_fields=["task_id", "error"])
        job.mark_running()
        return job, job


def render_report_now(*, plan_id, period_code, version=None, task_id=None):
    """Render and store the report (PDF + .xlsx) of a plan's version (the current one by default)
    for a period. Idempotent: one record per key; a finished record is kept; see _claim."""
    plan = Plan.objects.select_related("unit__parent").get(pk=plan_id)
    period = ReportingPeriod.objects.get(code=period_code)
    record, _ = ReportDocument.objects.get_or_create(plan=plan, period=period, plan_version=version or plan.version)
    job, record = _claim(record.pk, task_id)
    if job is None:
        return record
    if job.plan_version != plan.version:
        job.mark_failed("Kế hoạch đã thay đổi sau khi yêu cầu báo cáo này: hãy tạo lại báo cáo.")
        return job
    try:
        _, pdf, xlsx = build_report_files(plan=plan, period=period)
    except (OperationalError, InterfaceError):
        raise  # the database was briefly unreachable: the task retries and takes its own RUNNING job back
    except SoftTimeLimitExceeded:
        job.mark_failed("Quá thời gian cho phép khi tạo báo cáo. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
        return job
    except Exception:  # logged with its traceback; the user gets the reason and a retry button
        logger.exception("Report render failed for plan %s, period %s", plan_id, period_code)
        job.mark_failed("Không tạo được báo cáo do lỗi hệ thống. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
        return job
    old = [f for f in (job.file_pdf, job.file_xlsx) if f]
    old_names = [(f.storage, f.name) for f in old]
    stem = f"bao-cao-{plan.unit.slug}-{plan.year}-{period.code.lower()}-v{plan.version}"
    job.file_pdf.save(f"{stem}.pdf", ContentFile(pdf.data), save=False)
    job.file_xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    job.pages = pdf.pages
    job.state, job.error, job.finished_at = JobState.DONE, "", timezone.now()
    job.save(update_fields=["file_pdf", "file_xlsx", "pages", "state", "error", "finished_at"])
    for storage, name in old_names:  # the files of the earlier render this one replaces
        if name not in (job.file_pdf.name, job.file_xlsx.name):
            storage.delete(name)
    return job


# --- the reviewer's batch --------------------------------------------------------------------------------


def batch_plans(*, unit, year):
    """The latest plan of `year` of every commune-level unit below `unit`, in the tree's order."""
    communes = unit.descendants().filter(kind__in=COMMUNE_LEVEL_KINDS)
    plans = {}
    for plan in (
        Plan.objects.filter(unit__in=communes, year=year).select_related("unit").order_by("unit__path", "revision")
    ):
        plans[plan.unit_id] = plan  # the last revision wins
    return list(plans.values())


def request_batch(*, reviewer, unit, period, year):
    """One action: the period's report of every commune below `unit` that has a plan for `year`. Each
    commune is its own job (one that fails records its error and the others go on); they are queued a
    chunk at a time (advance_batch), so a province's or the country's batch never puts thousands of
    messages and rows in flight at once."""
    if not can_request_batch(reviewer, unit):
        raise PermissionDenied(f"Chỉ cán bộ thẩm định của {unit} được tạo báo cáo của các xã thuộc đơn vị này.")
    plans = batch_plans(unit=unit, year=year)
    batch = ReportBatch.objects.create(requested_by=reviewer, unit=unit, period=period, year=year, planned=len(plans))
    advance_batch(batch_id=batch.pk)
    return batch


def advance_batch(*, batch_id):
    """Queue the batch's next reports, so that at most settings.REPORT_BATCH_CHUNK are waiting or
    running: at the start, after each of its reports finishes, and from the periodic job. Returns how
    many it queued."""
    with transaction.atomic():
        locked = ReportBatch.objects.select_for_update(of=("self",))  # one advance at a time per batch
        batch = locked.select_related("unit", "period", "requested_by").get(pk=batch_id)
        in_flight = batch.documents.filter(state__in=[JobState.QUEUED, JobState.RUNNING]).count()
        room = settings.REPORT_BATCH_CHUNK - in_flight
        if room <= 0:
            return 0
        started = set(batch.documents.values_list("plan_id", flat=True))
        waiting = [plan for plan in batch_plans(unit=batch.unit, year=batch.year) if plan.pk not in started][:room]
        for plan in waiting:
            try:
                request_report(plan=plan, period=batch.period, user=batch.requested_by, batch=batch, again=True)
            except Exception:  # one commune's trouble never stops the batch
                logger.exception("Could not queue the report of plan %s in batch %s", plan.pk, batch.pk)
                job, _ = ReportDocument.objects.get_or_create(plan=plan, period=batch.period, plan_version=plan.version)
                ReportDocument.objects.filter(pk=job.pk).update(batch=batch)
                job.mark_failed("Không gửi được yêu cầu tạo báo cáo. Hãy thử lại.")
    return len(waiting)


def unfinished_batches():
    """Batches some of whose reports are not queued yet (for the periodic job)."""
    return ReportBatch.objects.annotate(started=Count("documents")).filter(planned__gt=F("started"))


def retry_batch_document(*, batch, document, user):
    if not can_request_batch(user, batch.unit):
        raise PermissionDenied(f"Chỉ cán bộ thẩm định của {batch.unit} được tạo lại báo cáo này.")
    plan = Plan.objects.select_related("unit").get(pk=document.plan_id)
    return request_report(plan=plan, period=document.period, user=user, batch=batch, again=True)
