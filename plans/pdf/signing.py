"""The issued plan as a signed document (Nghị định 30/2020, Phụ lục I, part II): the decision, its plan
and appendices rendered once more with their marks (the organisation's signature as text on the first
page of each document, the verification code and QR code on page 1), then signed by the person who
issued it and by the unit, in that order. One SignedPlan per plan revision; a failure (no key, a wrong
passphrase, the time-stamping authority unreachable) says why and is retried without a new number."""

import hashlib
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from plans.models import Plan, SignedPlan
from plans.pdf.documents import plan_document_context
from signing.keys import SigningFailed
from signing.marks import marks_for
from signing.models import IssuedDocument, SigningKey
from signing.pdf import Placement, SignatureRequest, sign_pdf
from signing.verify import ORGANISATION_FIELD, PERSON_FIELD, UnreadablePdf, verify_pdf
from tthc_portal.jobs import JobState
from tthc_portal.printing import render_pdf

logger = logging.getLogger(__name__)

MM = 72 / 25.4  # PDF points per millimetre
# The room the signer block leaves between the title and the name (static/print/document.css
# .sign-area): the person's signature is centred in it, the seal overlaps its left third.
SIGN_AREA_ID = "vung-chu-ky"


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
    try:
        data, marks = signed_plan_pdf(plan, signer=job.signer, code=job.code)
    except SigningFailed as failed:
        job.mark_failed(str(failed))
        return job
    except SoftTimeLimitExceeded:
        job.mark_failed("Quá thời gian cho phép khi ký số. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
        return job
    except Exception:  # logged with its traceback; the signer gets a retry button
        logger.exception("Signing failed for plan %s", plan_id)
        job.mark_failed("Không ký số được do lỗi hệ thống. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
        return job
    with transaction.atomic():
        job = SignedPlan.objects.select_for_update().get(pk=job.pk)
        if not job.is_ready:  # not taken meanwhile by a file signed outside the portal
            _store(job, plan, data, signed_at=marks.signed_at)
    return job


def _store(job, plan, data, *, signed_at):
    """Keep `data` as the plan's issued document and finish the job."""
    decision = plan.decision
    document = IssuedDocument(
        code=job.code,
        kind=IssuedDocument.Kind.DECISION,
        unit=plan.unit,
        number_text=decision.number_text.strip(),
        title=" ".join(decision.summary.split())[:500],
        issued_on=decision.issued_on or timezone.localdate(),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        signed_at=signed_at,
    )
    document.file.save(
        f"{decision.number_text.replace('/', '-')}-{plan.unit.slug}-{plan.year}.pdf", ContentFile(data), save=False
    )
    document.save()
    job.document = document
    job.state, job.error, job.finished_at = JobState.DONE, "", timezone.now()
    job.save(update_fields=["document", "state", "error", "finished_at"])


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
        organisation = SigningKey.objects.filter(unit=plan.unit).first()
        marks = marks_for(
            code=job.code,
            organisation=organisation.name if organisation and organisation.name else str(plan.unit),
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


def signing_keys(plan, signer):
    """The signer's key and the unit's, or SigningFailed naming what is missing."""
    person = SigningKey.objects.filter(user=signer).first() if signer else None
    if person is None:
        raise SigningFailed(
            f"Chưa có khóa ký số cho người ký {signer or ''}. Hãy báo quản trị hệ thống.".replace("  ", " ")
        )
    organisation = SigningKey.objects.filter(unit=plan.unit).first()
    if organisation is None:
        raise SigningFailed(f"Chưa có khóa ký số của {plan.unit}. Hãy báo quản trị hệ thống.")
    return person, organisation


def signed_plan_pdf(plan, *, signer, code):
    """(the signed PDF's bytes, its marks)."""
    person, organisation = signing_keys(plan, signer)
    decision = plan.decision
    marks = marks_for(
        code=code, organisation=organisation.name or str(plan.unit), number_text=decision.number_text.strip()
    )
    html = render_to_string("documents/plan.html", {**plan_document_context(plan), "marks": marks})
    pdf = render_pdf(html)
    if SIGN_AREA_ID not in pdf.anchors:
        raise SigningFailed(
            "Văn bản không có chỗ cho chữ ký (khối người ký trống). Hãy nhập người ký rồi ban hành lại."
        )
    page, *area = pdf.anchors[SIGN_AREA_ID]
    person_box, seal_box = signature_boxes(*area, person=person, organisation=organisation)
    location = plan.unit.name
    requests = [
        SignatureRequest(
            key=person,
            field_name=PERSON_FIELD,
            reason=f"Ký ban hành {decision.doc_type.lower()} số {marks.number_text}",
            location=location,
            placement=Placement(page=page, box=person_box),
            appearance_png=bytes(person.image_png) or None,
        ),
        SignatureRequest(
            key=organisation,
            field_name=ORGANISATION_FIELD,
            reason=f"{marks.organisation} ban hành văn bản số {marks.number_text}",
            location=location,
            placement=Placement(page=page, box=seal_box),
            appearance_png=bytes(organisation.image_png) or None,
        ),
    ]
    return sign_pdf(pdf.data, requests, signed_at=marks.signed_at), marks


def signature_boxes(left, top, right, bottom, *, person, organisation):
    """The person's signature centred in the sign area (its image's width, 4:9 high), and the seal at
    its actual size (square), its right edge a third of the way into the signature, centred on it."""
    width = float(person.image_width_mm) * MM
    height = width * 4 / 9
    x1 = (left + right - width) / 2
    y_middle = (top + bottom) / 2
    person_box = (x1, y_middle - height / 2, x1 + width, y_middle + height / 2)
    seal = float(organisation.image_width_mm) * MM
    seal_right = x1 + width / 3
    seal_box = (seal_right - seal, y_middle - seal / 2, seal_right, y_middle + seal / 2)
    return person_box, seal_box
