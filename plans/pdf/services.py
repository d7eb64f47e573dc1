"""The plan's PDF as a background job: ask for it, and render it (the Celery task calls this)."""

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from plans.models import Decision, Plan, PlanPdf
from plans.pdf.documents import build_plan_pdf
from tthc_portal.jobs import JobState

logger = logging.getLogger(__name__)


def request_plan_pdf(*, plan, user=None):
    """Ask for the PDF of the plan's current version: reuse a finished or running job, otherwise
    (new, failed before, or lost with its worker) queue a render. Returns the PlanPdf record."""
    with transaction.atomic():
        job, created = PlanPdf.objects.select_for_update().get_or_create(
            plan=plan, plan_version=plan.version, defaults={"requested_by": user}
        )
        if not created and (job.is_active or job.is_ready):
            return job
        if not created:
            job.mark_queued()
        transaction.on_commit(job.queue)
    job.refresh_from_db()
    return job


def prerender_when_settled(plan):
    """Once the plan has not changed for PLAN_PDF_SETTLE_SECONDS, render the PDF of its version in the
    background, so that "Tải PDF" of an unchanged plan is a file download. One delayed task per plan
    and web process at a time (the cache key): a task that finds the plan changed again waits for the
    new version instead of rendering a stale one."""
    settle = settings.PLAN_PDF_SETTLE_SECONDS
    if settle <= 0 or not cache.add(f"plan-pdf-prerender:{plan.pk}", True, timeout=settle):
        return
    transaction.on_commit(lambda: _schedule_prerender(plan.pk, plan.version, settle), robust=True)


def _schedule_prerender(plan_id, version, settle):
    from plans.tasks import prerender_plan_pdf

    try:
        prerender_plan_pdf.apply_async((plan_id, version), countdown=settle)
    except Exception:  # the broker is down: the PDF is rendered when someone asks for it
        logger.exception("Could not schedule the PDF of plan %s", plan_id)


def prerender_now(*, plan_id, version):
    """The delayed task's work: render if the plan is still at `version`, else wait for the newer one."""
    plan = Plan.objects.filter(pk=plan_id).only("pk", "version").first()
    if plan is None:
        return None
    if plan.version != version:
        _schedule_prerender(plan.pk, plan.version, settings.PLAN_PDF_SETTLE_SECONDS)
        return None
    cache.delete(f"plan-pdf-prerender:{plan.pk}")
    if (
        not Decision.objects.filter(plan=plan).exists()
        or PlanPdf.objects.filter(plan=plan, plan_version=version).exists()
    ):
        return None
    return render_plan_pdf_now(plan_id=plan_id, version=version)


def render_plan_pdf_now(*, plan_id, version=None):
    """Render and store the PDF of a plan's version (the current one by default). Idempotent: a
    version already rendered is not rendered again, and there is one record per (plan, version)."""
    plan = Plan.objects.select_related("unit").get(pk=plan_id)
    job, _ = PlanPdf.objects.get_or_create(plan=plan, plan_version=version or plan.version)
    if job.is_ready:
        return job
    if job.plan_version != plan.version:
        job.mark_failed("Kế hoạch đã thay đổi sau khi yêu cầu bản PDF này: hãy yêu cầu lại.")
        return job
    job.mark_running()
    if not Decision.objects.filter(plan=plan).exists():
        job.mark_failed("Kế hoạch chưa có văn bản ban hành (quyết định) nên chưa tạo được PDF.")
        return job
    try:
        pdf = build_plan_pdf(plan)
    except SoftTimeLimitExceeded:
        job.mark_failed("Quá thời gian cho phép khi tạo PDF. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
        return job
    except Exception:  # logged with its traceback; the user gets a retry button
        logger.exception("Plan PDF render failed for plan %s", plan_id)
        job.mark_failed("Không tạo được PDF do lỗi hệ thống. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
        return job
    if job.file:
        job.file.delete(save=False)
    job.file.save(f"ke-hoach-{plan.unit.slug}-{plan.year}-v{plan.version}.pdf", ContentFile(pdf.data), save=False)
    job.pages = pdf.pages
    job.state, job.error, job.finished_at = JobState.DONE, "", timezone.now()
    job.save(update_fields=["file", "pages", "state", "error", "finished_at"])
    return job
