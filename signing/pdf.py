"""Signing a PDF (PAdES, pyHanko): each signature an incremental update that covers the whole document
as it stood, in the order given — the person's first, then the organisation's (Nghị định 30/2020,
Phụ lục I, part II). Visible signatures are images placed where the document left room for them."""

import io
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from PIL import Image
from pyhanko.pdf_utils import images
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.stamp import StaticStampStyle

from .keys import SigningFailed, opened_signer
from .models import SigningKey


@dataclass
class Placement:
    page: int  # 0-based
    box: tuple[float, float, float, float]  # PDF points, origin at the page's bottom left: x1, y1, x2, y2


@dataclass
class SignatureRequest:
    key: SigningKey
    field_name: str  # "ChuKyNguoiCoThamQuyen", "ChuKyCoQuan"
    reason: str
    location: str
    placement: Placement | None = None
    appearance_png: bytes | None = None  # drawn at the placement's size; None: an invisible signature


def timestamper():
    """The RFC 3161 time-stamping authority of SIGNING_TSA_URL, or None (no timestamp)."""
    url = settings.SIGNING_TSA_URL
    return timestamps.HTTPTimeStamper(url, timeout=settings.SIGNING_TSA_TIMEOUT) if url else None


class _TimedSigner(signers.PdfSigner):
    """A PdfSigner whose signature carries the given signing time (/M): the time printed on the
    document before it was signed (signing.marks)."""

    def __init__(self, *args, signed_at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_at = signed_at

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        if self.signed_at is not None:
            session.system_time = self.signed_at
        return session


def sign_pdf(data: bytes, requests: list[SignatureRequest], *, signed_at: datetime | None = None) -> bytes:
    """`data` signed by each request in turn (at `signed_at`, now by default); SigningFailed with a
    message for the user otherwise."""
    stamper = timestamper()
    for request in requests:
        with opened_signer(request.key) as signer:
            data = _sign_one(data, request, signer=signer, stamper=stamper, signed_at=signed_at)
    return data


def _sign_one(data, request, *, signer, stamper, signed_at):
    spec = fields.SigFieldSpec(
        sig_field_name=request.field_name,
        on_page=request.placement.page if request.placement else 0,
        box=request.placement.box if request.placement else None,
    )
    style = None
    if request.appearance_png and request.placement:
        picture = Image.open(io.BytesIO(request.appearance_png))
        style = StaticStampStyle(background=images.PdfImage(picture), border_width=0, background_opacity=1.0)
    metadata = signers.PdfSignatureMetadata(
        field_name=request.field_name,
        reason=request.reason,
        location=request.location,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        embed_validation_info=False,
    )
    pdf_signer = _TimedSigner(
        metadata, signer=signer, timestamper=stamper, stamp_style=style, new_field_spec=spec, signed_at=signed_at
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out)
    except (OSError, timestamps.TimestampRequestError) as error:
        raise SigningFailed(f"Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian: {error}") from None
    return out.getvalue()
