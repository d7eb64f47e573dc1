"""Signing a document the portal renders, the way Nghị định 30/2020 (Phụ lục I, part II) issues it: the
HTML rendered with its marks (signing.marks), then signed by the person (their signature image centred
in the signer block's sign area) and by the organisation (its seal over the signature's left third);
the signed file kept as an IssuedDocument. Shared by the issued plan (plans.pdf.signing) and the sent
báo cáo (reports.signing), which differ only in their template, their texts and their job model."""

import hashlib
import logging
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tthc_portal.jobs import JobState
from tthc_portal.printing import render_pdf

from . import remote
from .keys import SigningFailed
from .marks import marks_for
from .models import IssuedDocument, SigningKey
from .pdf import Placement, SignatureRequest, finish_held, hold_for_signer, sign_pdf
from .verify import ORGANISATION_FIELD, PERSON_FIELD

logger = logging.getLogger(__name__)

MM = 72 / 25.4  # PDF points per millimetre
# The room the signer block leaves between the title and the name (templates/documents/_signer.html,
# static/print/document.css .sign-area): the person's signature is centred in it.
SIGN_AREA_ID = "vung-chu-ky"


def signing_keys(unit, signer):
    """The signer's key and the unit's, or SigningFailed naming what is missing."""
    person = SigningKey.objects.filter(user=signer).first() if signer else None
    if person is None:
        who = f" {signer}" if signer else ""
        raise SigningFailed(f"Chưa có khóa ký số cho người ký{who}. Hãy báo quản trị hệ thống.")
    organisation = SigningKey.objects.filter(unit=unit).first()
    if organisation is None:
        raise SigningFailed(f"Chưa có khóa ký số của {unit}. Hãy báo quản trị hệ thống.")
    return person, organisation


def organisation_name(key, unit):
    return key.name if key is not None and key.name else str(unit)


def render_and_sign(template, context, *, job, unit, number_text, person_reason, organisation_reason):
    """(the signed PDF's bytes, its signing time), or None when the job now waits for its signer to
    authorise the person's signature on a remote signing service (_hold, authorise_held). `template`
    is rendered with `context` and the marks (the job's code), signed by the job's signer then by
    `unit`. The reasons go into the signatures; the organisation's is prefixed by its name ("Ủy ban nhân
    dân xã … <organisation_reason>"). A job whose signer authorised its held signature goes on from it."""
    person, organisation = signing_keys(unit, job.signer)
    name = organisation_name(organisation, unit)
    if job.held and job.held.get("signature"):
        return _finish_authorised(job, organisation, name, unit=unit, reason=organisation_reason)
    marks = marks_for(code=job.code, organisation=name, number_text=number_text)
    pdf = render_pdf(render_to_string(template, {**context, "marks": marks}))
    if SIGN_AREA_ID not in pdf.anchors:
        raise SigningFailed("Văn bản không có chỗ cho chữ ký (khối người ký trống). Hãy nhập người ký rồi ký lại.")
    page, *area = pdf.anchors[SIGN_AREA_ID]
    person_box, seal_box = signature_boxes(*area, person=person, organisation=organisation)
    person_request = SignatureRequest(
        key=person,
        field_name=PERSON_FIELD,
        reason=person_reason,
        location=unit.name,
        placement=Placement(page=page, box=person_box),
        appearance_png=bytes(person.image_png) or None,
    )
    seal = Placement(page=page, box=seal_box)
    organisation_request = _organisation_request(organisation, name, unit=unit, reason=organisation_reason, at=seal)
    if person.needs_signer_authorisation:
        prepared, state = hold_for_signer(pdf.data, person_request, signed_at=marks.signed_at)
        _hold(job, prepared, state, signed_at=marks.signed_at, seal=seal, needs_otp=person.csc_needs_otp)
        return None
    return sign_pdf(pdf.data, [person_request, organisation_request], signed_at=marks.signed_at), marks.signed_at


def _organisation_request(key, name, *, unit, reason, at):
    return SignatureRequest(
        key=key,
        field_name=ORGANISATION_FIELD,
        reason=f"{name} {reason}",
        location=unit.name,
        placement=at,
        appearance_png=bytes(key.image_png) or None,
    )


# --- a person's signature the signer authorises on a remote signing service (signing.remote) -----------


def _hold(job, prepared, state, *, signed_at, seal, needs_otp):
    """The job waits for its signer: the prepared document and what finishes it are kept on it."""
    job.held = {
        "person": state,
        "signed_at": signed_at.isoformat(),
        "seal": {"page": seal.page, "box": list(seal.box)},
        "needs_otp": needs_otp,
    }
    if job.held_file:
        job.held_file.delete(save=False)
    job.held_file.save(f"cho-ky-{job.code}.pdf", ContentFile(prepared), save=False)
    job.state, job.error, job.finished_at = JobState.WAITING, "", None
    job.save(update_fields=["held", "held_file", "state", "error", "finished_at"])


def hold_expired(job):
    started = datetime.fromisoformat(job.held["signed_at"])
    return timezone.now() - started > timedelta(minutes=settings.SIGNING_HOLD_MINUTES)


def authorise_held(job, *, pin, otp=""):
    """The signer authorises the held signature with their PIN (and OTP): the service signs exactly
    the held hash and the job is queued to finish the document. The PIN and OTP are used in this call
    only. SigningFailed (nothing changed) for a wrong PIN, a service that cannot be reached, or a job
    no longer waiting; a hold older than SIGNING_HOLD_MINUTES is prepared again and the signer asked
    to authorise once it is ready."""
    job_model = type(job)
    if not job.is_waiting or not job.held:
        raise SigningFailed("Văn bản không còn chờ xác nhận ký số.")
    if hold_expired(job):
        with transaction.atomic():
            locked = job_model.objects.select_for_update().get(pk=job.pk)
            if locked.is_waiting:
                locked.mark_queued()
                transaction.on_commit(locked.queue)
        raise SigningFailed(
            "Văn bản đã chờ xác nhận quá lâu nên được chuẩn bị lại với thời điểm ký mới. Hãy nhập mã PIN khi văn "
            "bản sẵn sàng (sau ít giây)."
        )
    key = SigningKey.objects.filter(user=job.signer).first()
    if key is None or not key.needs_signer_authorisation:
        raise SigningFailed("Khóa ký số của người ký đã thay đổi. Hãy ký lại.")
    held = job.held["person"]
    signature = remote.run(remote.authorise(remote.Service.of(key), held, pin=pin, otp=otp))
    with transaction.atomic():
        locked = job_model.objects.select_for_update().get(pk=job.pk)
        if not locked.is_waiting or not locked.held or locked.held["person"]["hash"] != held["hash"]:
            raise SigningFailed("Văn bản đã được chuẩn bị lại trong lúc bạn xác nhận. Hãy nhập lại mã PIN.")
        locked.held = {**locked.held, "signature": signature}
        locked.save(update_fields=["held"])
        locked.mark_queued()
        transaction.on_commit(locked.queue)
    return locked


def cancel_held(job):
    """The signer does not sign the held document after all: the job fails with that reason (what it
    held is dropped), so that a report can be edited again and the signing asked again later."""
    job_model = type(job)
    with transaction.atomic():
        locked = job_model.objects.select_for_update().get(pk=job.pk)
        if not locked.is_waiting:
            raise SigningFailed("Văn bản không còn chờ xác nhận ký số.")
        if locked.held_file:
            locked.held_file.delete(save=False)
        locked.held = None
        locked.save(update_fields=["held", "held_file"])
        locked.mark_failed("Người ký đã hủy lần ký này. Có thể ký lại khi cần.")
    return locked


def _finish_authorised(job, organisation, name, *, unit, reason):
    """The held document with the signer's signature, then the organisation's: (bytes, signing time)."""
    held = job.held
    with job.held_file.open("rb") as handle:
        prepared = handle.read()
    data = finish_held(prepared, held["person"], signature=held["signature"], field_name=PERSON_FIELD)
    seal = Placement(page=held["seal"]["page"], box=tuple(held["seal"]["box"]))
    signed_at = datetime.fromisoformat(held["signed_at"])
    request = _organisation_request(organisation, name, unit=unit, reason=reason, at=seal)
    return sign_pdf(data, [request], signed_at=signed_at), signed_at


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


def run_signing(job, produce, *, what):
    """`produce()` for a signing job already marked running: its result, or None when the job now
    waits for its signer (render_and_sign) or after the job was failed with a reason the user can act
    on (no key, a wrong PIN, the TSA unreachable, time out, or a system error, logged with its
    traceback). `what` names the document in the log."""
    try:
        return produce()
    except SigningFailed as failed:
        job.mark_failed(str(failed))
    except SoftTimeLimitExceeded:
        job.mark_failed("Quá thời gian cho phép khi ký số. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
    except Exception:  # the signer gets a retry button
        logger.exception("Signing failed for %s", what)
        job.mark_failed("Không ký số được do lỗi hệ thống. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
    return None


def store_issued(job, data, *, kind, unit, number_text, title, issued_on, filename, signed_at):
    """Keep `data` as an IssuedDocument under the job's code, and finish the job (call it with the job
    row locked, inside a transaction)."""
    document = IssuedDocument(
        code=job.code,
        kind=kind,
        unit=unit,
        number_text=number_text,
        title=" ".join(title.split())[:500],
        issued_on=issued_on,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        signed_at=signed_at,
    )
    document.file.save(filename, ContentFile(data), save=False)
    document.save()
    job.document = document
    if job.held_file:
        job.held_file.delete(save=False)
    job.held = None
    job.state, job.error, job.finished_at = JobState.DONE, "", timezone.now()
    job.save(update_fields=["document", "held", "held_file", "state", "error", "finished_at"])
    return document
