"""Signing a document the portal renders, the way Nghị định 30/2020 (Phụ lục I, part II) issues it: the
HTML rendered with its marks (signing.marks), then signed by the person (their signature image centred
in the signer block's sign area) and by the organisation (its seal over the signature's left third);
the signed file kept as an IssuedDocument. Shared by the issued plan (plans.pdf.signing) and the sent
báo cáo (reports.signing), which differ only in their template, their texts and their job model."""

import hashlib
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from tthc_portal.jobs import JobState
from tthc_portal.printing import render_pdf

from .keys import SigningFailed
from .marks import marks_for
from .models import IssuedDocument, SigningKey
from .pdf import Placement, SignatureRequest, sign_pdf
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


def render_and_sign(template, context, *, unit, signer, code, number_text, person_reason, organisation_reason):
    """(the signed PDF's bytes, its marks): `template` rendered with `context` and the marks, signed by
    `signer` then by `unit`. The reasons go into the signatures; the organisation's is prefixed by its
    name ("Ủy ban nhân dân xã … <organisation_reason>")."""
    person, organisation = signing_keys(unit, signer)
    marks = marks_for(code=code, organisation=organisation_name(organisation, unit), number_text=number_text)
    pdf = render_pdf(render_to_string(template, {**context, "marks": marks}))
    if SIGN_AREA_ID not in pdf.anchors:
        raise SigningFailed("Văn bản không có chỗ cho chữ ký (khối người ký trống). Hãy nhập người ký rồi ký lại.")
    page, *area = pdf.anchors[SIGN_AREA_ID]
    person_box, seal_box = signature_boxes(*area, person=person, organisation=organisation)
    requests = [
        SignatureRequest(
            key=person,
            field_name=PERSON_FIELD,
            reason=person_reason,
            location=unit.name,
            placement=Placement(page=page, box=person_box),
            appearance_png=bytes(person.image_png) or None,
        ),
        SignatureRequest(
            key=organisation,
            field_name=ORGANISATION_FIELD,
            reason=f"{marks.organisation} {organisation_reason}",
            location=unit.name,
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


def run_signing(job, produce, *, what):
    """`produce()` for a signing job already marked running: its result, or None after the job was
    failed with a reason the user can act on (no key, a wrong PIN, the TSA unreachable, time out, or a
    system error, logged with its traceback). `what` names the document in the log."""
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
    job.state, job.error, job.finished_at = JobState.DONE, "", timezone.now()
    job.save(update_fields=["document", "state", "error", "finished_at"])
    return document
