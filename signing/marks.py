"""What a document carries about its own signatures, printed before it is signed: the short code and
the QR code of its verification page (page 1, bottom margin), and the organisation's signature as text
(its name, the document's number and symbol, the signing time in ISO 8601 with the Vietnam offset) at
the top right of the first page of the main document and of each document attached in the same file."""

import io
from base64 import b64encode
from dataclasses import dataclass
from datetime import datetime

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.urls import reverse
from django.utils import timezone


@dataclass
class SigningMarks:
    code: str
    organisation: str  # "Ủy ban nhân dân xã Hà Tân"
    number_text: str  # "01/QĐ-UBND"
    signed_at: datetime | None  # None: signed outside the portal, at a time not known yet

    @property
    def verify_url(self):
        return settings.PORTAL_URL.rstrip("/") + reverse("signing:document", args=[self.code])

    @property
    def signed_at_iso(self):
        """2024-01-20T10:15:30+07:00: ISO 8601 with the Vietnam offset, as Phụ lục I asks."""
        return timezone.localtime(self.signed_at).isoformat(timespec="seconds") if self.signed_at else ""

    @property
    def qr_data_uri(self):
        image = qrcode.make(
            self.verify_url,
            image_factory=qrcode.image.svg.SvgPathImage,
            error_correction=qrcode.constants.ERROR_CORRECT_M,
            border=0,
        )
        out = io.BytesIO()
        image.save(out)

        return "data:image/svg+xml;base64," + b64encode(out.getvalue()).decode()


def marks_for(*, code, organisation, number_text, signed_at=None, external=False):
    """The marks of a document about to be signed now (to the second: the signatures carry this time),
    or, `external`, by the signer's own software later (no time printed: the signatures carry it)."""
    moment = None if external else (signed_at or timezone.now()).replace(microsecond=0)
    return SigningMarks(code=code, organisation=organisation, number_text=number_text, signed_at=moment)
