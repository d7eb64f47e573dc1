"""Signing a PDF (PAdES, pyHanko): each signature an incremental update that covers the whole document
as it stood, in the order given — the person's first, then the organisation's (Nghị định 30/2020,
Phụ lục I, part II). Visible signatures are images placed where the document left room for them."""

import io
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from PIL import Image
from pyhanko.pdf_utils import images
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps, validation
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext

from . import remote
from .keys import SigningFailed, opened_signer, secret_of
from .models import SigningKey
from .verify import trust_roots


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
        with _timestamp_failures():
            if request.key.backend == SigningKey.Backend.CSC:
                service, pin = remote.Service.of(request.key), secret_of(request.key, request.key.secret_name)
                data = remote.run(_sign_remotely(data, request, service, pin, stamper=stamper, signed_at=signed_at))
            else:
                with opened_signer(request.key) as signer:
                    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
                    out = io.BytesIO()
                    _pdf_signer(request, signer, stamper=stamper, signed_at=signed_at).sign_pdf(writer, output=out)
                    data = out.getvalue()
        data = with_revocation_data(data, request.field_name)
    return data


async def _sign_remotely(data, request, service, pin, *, stamper, signed_at):
    async with remote.csc_signer(service, pin=pin) as signer:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        out = io.BytesIO()
        await _pdf_signer(request, signer, stamper=stamper, signed_at=signed_at).async_sign_pdf(writer, output=out)
        return out.getvalue()


def hold_for_signer(data: bytes, request: SignatureRequest, *, signed_at: datetime) -> tuple[bytes, dict]:
    """`data` prepared for the signature of `request`, whose key the signer authorises in the page
    (signing.remote): (the prepared document, the state that signs it later)."""
    stamper = timestamper()
    with _timestamp_failures():
        return remote.run(
            remote.hold(
                data,
                lambda signer: _pdf_signer(request, signer, stamper=stamper, signed_at=signed_at),
                service=remote.Service.of(request.key),
            )
        )


def finish_held(prepared: bytes, state: dict, *, signature: str, field_name: str) -> bytes:
    """The held document signed with the signature the signer authorised (timestamped, with its
    revocation data)."""
    with _timestamp_failures():
        data = remote.run(remote.finish(prepared, state, signature=signature, stamper=timestamper()))
    return with_revocation_data(data, field_name)


def _pdf_signer(request, signer, *, stamper, signed_at):
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
        embed_validation_info=False,  # added after signing, when the certificates name where (with_revocation_data)
    )
    return _TimedSigner(
        metadata, signer=signer, timestamper=stamper, stamp_style=style, new_field_spec=spec, signed_at=signed_at
    )


@contextmanager
def _timestamp_failures():
    try:
        yield
    except (OSError, timestamps.TimestampRequestError) as error:
        raise SigningFailed(f"Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian: {error}") from None


# --- PAdES B-LT: the revocation data of each signature in the document (its DSS) ---------------------------


def revocation_addresses(certificate) -> bool:
    """Whether the certificate names where its revocation status is published (OCSP, CRL)."""
    return bool(certificate.ocsp_urls or certificate.crl_distribution_points)


def with_revocation_data(data: bytes, field_name: str) -> bytes:
    """`data` with the OCSP responses and CRLs of the signature `field_name` (its certificate chain, its
    timestamp's) added to the document security store in an incremental update — PAdES B-LT — when
    its certificate names where they are published; unchanged otherwise. The responses are fetched
    now; one that cannot be fetched, or a chain that does not reach a trust root, fails the signing."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    signature = next(item for item in reader.embedded_signatures if item.field_name == field_name)
    if not revocation_addresses(signature.signer_cert):
        return data
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=True, revocation_mode="hard-fail")
    out = io.BytesIO()
    try:
        validation.add_validation_info(signature, context, output=out)
    except Exception as error:  # a responder down, a chain to no trust root: told, with what failed
        subject = signature.signer_cert.subject.human_friendly
        raise SigningFailed(
            f"Không lấy được thông tin thu hồi chứng thư (OCSP/CRL) để nhúng vào văn bản cho chữ ký của {subject}: "
            f"{type(error).__name__}. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống."
        ) from None
    return out.getvalue()
