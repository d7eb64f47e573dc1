"""The báo cáo signed and sent ("Ký và gửi"): the unit's signer gives it a number and a date (the next
free BC number of the unit's year when it has none), a job renders it with its marks and signs it by
the signer, then by the unit (as the issued plan: plans.pdf.signing), and the reviewers above are told.
One signed file per report; the report cannot change after it."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from orgs.models import Membership
from orgs.scoping import own_roles
from plans.models import Notification
from plans.workflow import notifications
from signing.documents import render_and_sign, run_signing, store_issued
from signing.models import IssuedDocument

from .documents import report_context
from .models import Report, SignedReport


def can_sign_report(user, plan):
    return Membership.Role.SIGNER in own_roles(user, plan.unit)


def is_sent(report):
    """Signed and sent, or being signed (or waiting for its signer's PIN): the report no longer changes."""
    if report is None or report.pk is None:  # a report read, not stored yet
        return False
    job = SignedReport.objects.filter(report=report).first()
    return job is not None and (job.is_ready or job.is_active or job.is_waiting)


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
        if job is not None and (job.is_ready or job.is_active or job.is_waiting):
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
    signed = run_signing(job, lambda: signed_report_pdf(report, job=job), what=f"report {report_id}")
    if signed is None:  # failed, or waiting for the signer to authorise a remote signature
        return job
    data, signed_at = signed
    plan = report.plan
    with transaction.atomic():
        job = SignedReport.objects.select_for_update().get(pk=job.pk)
        if job.is_ready:
            return job
        store_issued(
            job,
            data,
            kind=IssuedDocument.Kind.REPORT,
            unit=plan.unit,
            number_text=report.number_text.strip(),
            title=report.summary or f"Báo cáo {report.period_label}",
            issued_on=report.issued_on,
            filename=f"bao-cao-{plan.unit.slug}-{plan.year}-{report.period.code}.pdf",
            signed_at=signed_at,
        )
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


def signed_report_pdf(report, *, job):
    """(the signed PDF's bytes, its signing time), or None while the signer authorises a remote
    signature: the report with its appendix (signing.documents)."""
    number_text = report.number_text.strip()
    return render_and_sign(
        "documents/report.html",
        report_context(report),
        job=job,
        unit=report.plan.unit,
        number_text=number_text,
        person_reason=f"Ký báo cáo số {number_text}",
        organisation_reason=f"gửi báo cáo số {number_text}",
    )
