"""The báo cáo signed and sent ("Ký và gửi"): the unit's signer gives it a number and a date (the next
free BC number of the unit's year when it has none), a job renders it with its marks and signs it by
the signer, then by the unit (as the issued plan: plans.pdf.signing), and the reviewers above are told.
One signed file per report; the report cannot change after it."""

import hashlib
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from orgs.models import Membership
from orgs.scoping import own_roles
from plans.models import Notification
from plans.pdf.signing import SIGN_AREA_ID, signature_boxes, signing_keys
from plans.workflow import notifications
from signing.keys import SigningFailed
from signing.marks import marks_for
from signing.models import IssuedDocument
from signing.pdf import Placement, SignatureRequest, sign_pdf
from signing.verify import ORGANISATION_FIELD, PERSON_FIELD
from tthc_portal.jobs import JobState
from tthc_portal.printing import render_pdf

from .documents import report_context
from .models import Report, SignedReport

logger = logging.getLogger(__name__)


def can_sign_report(user, plan):
    return Membership.Role.SIGNER in own_roles(user, plan.unit)


def is_sent(report):
    """Signed and sent, or being signed: the report no longer changes."""
    if report is None or report.pk is None:  # a report read, not stored yet
        return False
    job = SignedReport.objects.filter(report=report).first()
    return job is not None and (job.is_ready or job.is_active)


def next_report_number(unit, year):
    taken = Report.objects.filter(plan__unit=unit, issued_on__year=year, number__isnull=False).aggregate(
        n=Max("number")
    )
    return (taken["n"] or 0) + 1


def sign_and_send(*, report, user):
    """Queue the signing of `report` by `user` (the unit's signer); returns the SignedReport."""
    plan = report.plan
    if not can_sign_report(user, plan):
        raise PermissionDenied(f"Chỉ người ký của {plan.unit} được ký và gửi báo cáo.")
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        job = SignedReport.objects.filter(report=locked).first()
        if job is not None and (job.is_ready or job.is_active):
            return job
        if not locked.issued_on:
            locked.issued_on = timezone.localdate()
        if not locked.number:
            locked.number = next_report_number(plan.unit, locked.issued_on.year)
        locked.save(update_fields=["number", "issued_on", "updated_at"])
        if job is None:
            job = SignedReport.objects.create(report=locked, signer=user)
        else:
            job.signer = user
            job.save(update_fields=["signer"])
            job.mark_queued()
        transaction.on_commit(job.queue)
    return job


def sign_report_now(*, report_id):
    job = SignedReport.objects.select_related("signer").get(report_id=report_id)
    if job.is_ready:
        return job
    report = Report.objects.select_related("plan__unit", "period").get(pk=report_id)
    job.mark_running()
    try:
        data, marks = signed_report_pdf(report, signer=job.signer, code=job.code)
    except SigningFailed as failed:
        job.mark_failed(str(failed))
        return job
    except SoftTimeLimitExceeded:
        job.mark_failed("Quá thời gian cho phép khi ký số. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
        return job
    except Exception:  # logged with its traceback; the signer gets a retry button
        logger.exception("Signing failed for report %s", report_id)
        job.mark_failed("Không ký số được do lỗi hệ thống. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
        return job
    plan = report.plan
    with transaction.atomic():
        job = SignedReport.objects.select_for_update().get(pk=job.pk)
        if job.is_ready:
            return job
        document = IssuedDocument(
            code=job.code,
            kind=IssuedDocument.Kind.REPORT,
            unit=plan.unit,
            number_text=report.number_text.strip(),
            title=(" ".join((report.summary or f"Báo cáo {report.period_label}").split()))[:500],
            issued_on=report.issued_on,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            signed_at=marks.signed_at,
        )
        document.file.save(
            f"bao-cao-{plan.unit.slug}-{plan.year}-{report.period.code}.pdf", ContentFile(data), save=False
        )
        document.save()
        job.document = document
        job.state, job.error, job.finished_at = JobState.DONE, "", timezone.now()
        job.save(update_fields=["document", "state", "error", "finished_at"])
        notifications.notify(
            plan=plan,
            verb=Notification.Verb.REPORT_SENT,
            actor=job.signer,
            recipients=list(notifications.reviewers_above(plan.unit)),
            text=(
                f"{plan.unit} đã ký số và gửi Báo cáo số {report.number_text.strip()} – kết quả {report.period_label} "
                f"(mã tra cứu {job.code})."
            ),
        )
    return job


def signed_report_pdf(report, *, signer, code):
    plan = report.plan
    person, organisation = signing_keys(plan, signer)
    marks = marks_for(
        code=code, organisation=organisation.name or str(plan.unit), number_text=report.number_text.strip()
    )
    pdf = render_pdf(render_to_string("documents/report.html", {**report_context(report), "marks": marks}))
    if SIGN_AREA_ID not in pdf.anchors:
        raise SigningFailed("Báo cáo không có chỗ cho chữ ký (khối người ký trống). Hãy nhập người ký rồi ký lại.")
    page, *area = pdf.anchors[SIGN_AREA_ID]
    person_box, seal_box = signature_boxes(*area, person=person, organisation=organisation)
    requests = [
        SignatureRequest(
            key=person,
            field_name=PERSON_FIELD,
            reason=f"Ký báo cáo số {marks.number_text}",
            location=plan.unit.name,
            placement=Placement(page=page, box=person_box),
            appearance_png=bytes(person.image_png) or None,
        ),
        SignatureRequest(
            key=organisation,
            field_name=ORGANISATION_FIELD,
            reason=f"{marks.organisation} gửi báo cáo số {marks.number_text}",
            location=plan.unit.name,
            placement=Placement(page=page, box=seal_box),
            appearance_png=bytes(organisation.image_png) or None,
        ),
    ]
    return sign_pdf(pdf.data, requests, signed_at=marks.signed_at), marks
