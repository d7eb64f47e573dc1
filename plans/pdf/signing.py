"""The issued plan as a signed document (Nghị định 30/2020, Phụ lục I, part II): the decision, its plan
and appendices rendered once more with their marks (the organisation's signature as text on the first
page of each document, the verification code and QR code on page 1), then signed by the person who
issued it and by the unit, in that order. One SignedPlan per plan revision; a failure (no key, a wrong
passphrase, the time-stamping authority unreachable) says why and is retried without a new number."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from plans.models import Plan, SignedPlan
from plans.pdf.documents import plan_document_context
from signing.documents import organisation_name, render_and_sign, run_signing, store_issued
from signing.marks import marks_for
from signing.models import IssuedDocument, SigningKey
from signing.verify import UnreadablePdf, verify_pdf
from tthc_portal.printing import render_pdf


def request_signed_plan(*, plan, user):
    """Sign the issued plan (after the transaction commits): reuse a running or finished job,
    otherwise queue one. Returns the SignedPlan."""
    with transaction.atomic():
        job, created = SignedPlan.objects.select_for_update().get_or_create(plan=plan, defaults={"signer": user})
        if not created and (job.is_active or job.is_ready):
            return job
        if not created:
            job.mark_queued()
        transaction.on_commit(job.queue)
    job.refresh_from_db()
    return job


def sign_plan_now(*, plan_id):
    """Render and sign the issued plan; idempotent (a signed plan is not signed again)."""
    job = SignedPlan.objects.select_related("signer").get(plan_id=plan_id)
    if job.is_ready:
        return job
    plan = Plan.objects.select_related("unit", "decision").get(pk=plan_id)
    if plan.status != Plan.Status.ISSUED:
        job.mark_failed("Chỉ ký số kế hoạch đã ban hành.")
        return job
    job.mark_running()
    signed = run_signing(job, lambda: signed_plan_pdf(plan, job=job), what=f"plan {plan_id}")
    if signed is None:  # failed, or waiting for the signer to authorise a remote signature
        return job
    data, signed_at = signed
    with transaction.atomic():
        job = SignedPlan.objects.select_for_update().get(pk=job.pk)
        if not job.is_ready:  # not taken meanwhile by a file signed outside the portal
            _store(job, plan, data, signed_at=signed_at)
    return job


def _store(job, plan, data, *, signed_at):
    """Keep `data` as the plan's issued document and finish the job."""
    decision = plan.decision
    store_issued(
        job,
        data,
        kind=IssuedDocument.Kind.DECISION,
        unit=plan.unit,
        number_text=decision.number_text.strip(),
        title=decision.summary,
        issued_on=decision.issued_on or timezone.localdate(),
        filename=f"{decision.number_text.replace('/', '-')}-{plan.unit.slug}-{plan.year}.pdf",
        signed_at=signed_at,
    )


# --- signed outside the portal: the signer's own software and USB token ---------------------------------


def unsigned_final_pdf(*, plan, user):
    """The final unsigned PDF of the issued plan, for the signer to sign in their own software: made
    once (its bytes and SHA-256 kept) so that the file signed with it can be checked against it."""
    with transaction.atomic():
        job, _ = SignedPlan.objects.select_for_update().get_or_create(plan=plan, defaults={"signer": user})
        if job.is_ready:
            raise ValidationError("Văn bản đã được ký số và phát hành: không tạo lại bản chưa ký.")
        if job.unsigned_file:
            return job.unsigned_file.read()
        decision = plan.decision
        marks = marks_for(
            code=job.code,
            organisation=organisation_name(SigningKey.objects.filter(unit=plan.unit).first(), plan.unit),
            number_text=decision.number_text.strip(),
            external=True,
        )
        data = render_pdf(render_to_string("documents/plan.html", {**plan_document_context(plan), "marks": marks})).data
        job.unsigned_file.save(f"chua-ky-{plan.unit.slug}-{plan.year}-{job.code}.pdf", ContentFile(data), save=False)
        job.unsigned_sha256 = hashlib.sha256(data).hexdigest()
        job.save(update_fields=["unsigned_file", "unsigned_sha256"])
        return data


def accept_signed_upload(*, plan, data, user):
    """Take the file the signer signed outside the portal as the plan's issued document — only if it is
    the final unsigned PDF the portal made, byte for byte, plus incremental updates, and every signature
    in it is intact, covers the whole document and chains to a trusted root. Otherwise a ValidationError
    says which check failed, and nothing changes."""
    with transaction.atomic():
        job = SignedPlan.objects.select_for_update().filter(plan=plan).first()
        if job is None or not job.unsigned_file:
            raise ValidationError("Hãy tải bản cuối chưa ký của Cổng, ký bằng phần mềm của bạn, rồi tải lên tệp đã ký.")
        if job.is_ready:
            raise ValidationError("Văn bản đã được ký số và phát hành.")
        original = job.unsigned_file.read()
        if len(data) <= len(original) or not data.startswith(original):
            raise ValidationError(
                "Tệp tải lên không phải bản cuối chưa ký mà Cổng đã phát hành cộng phần chữ ký thêm vào sau: nội dung "
                "đã bị thay đổi hoặc đã ký trên một bản khác."
            )
        try:
            report = verify_pdf(data)
        except UnreadablePdf as unreadable:
            raise ValidationError(str(unreadable)) from None
        if not report.signatures:
            raise ValidationError("Tệp tải lên chưa có chữ ký số nào.")
        for index, signature in enumerate(report.signatures, start=1):
            if not signature.ok:
                raise ValidationError(f"Chữ ký thứ {index} ({signature.signer or 'không rõ'}): {signature.problem}.")
        signed_at = max((s.signed_at for s in report.signatures if s.signed_at), default=timezone.now())
        _store(job, plan, data, signed_at=signed_at)
    return job


def signed_plan_pdf(plan, *, job):
    """(the signed PDF's bytes, its signing time), or None while the signer authorises a remote
    signature: the decision with its plan and appendices (signing.documents)."""
    decision = plan.decision
    number_text = decision.number_text.strip()
    return render_and_sign(
        "documents/plan.html",
        plan_document_context(plan),
        job=job,
        unit=plan.unit,
        number_text=number_text,
        person_reason=f"Ký ban hành {decision.doc_type.lower()} số {number_text}",
        organisation_reason=f"ban hành văn bản số {number_text}",
    )
