"""Reading the signatures of any PDF (pyHanko's validator): who signed, as a person or for an
organisation, when, whether the signed bytes are intact, whether the signature covers the whole
document, whether its certificate chains to a trusted root, and whether it carries a timestamp.
Nothing here trusts what the file says about itself beyond what the signatures prove."""

import io
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import pem, x509
from django.conf import settings
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .pki import demo_root_path

# The portal's field names, and so the kind of each signature it made.
PERSON_FIELD = "ChuKyNguoiCoThamQuyen"
ORGANISATION_FIELD = "ChuKyCoQuan"
KIND_LABELS = {"person": "Người có thẩm quyền", "organisation": "Cơ quan, tổ chức", "": "Không rõ"}
# Changes a later signature may make after an earlier one without breaking it: adding its own field,
# its appearance, its validation data.
ALLOWED_AFTER = ModificationLevel.FORM_FILLING


class UnreadablePdf(Exception):
    pass


@dataclass
class SignatureReport:
    field: str
    signer: str  # the certificate's common name
    organisation: str  # the certificate's organisation
    kind: str  # "person", "organisation", "" (unknown)
    signed_at: datetime | None
    intact: bool  # the signed bytes are those that were signed, and the signature is mathematically valid
    covers_document: bool  # covers the whole file, or the whole revision with only later signatures after it
    trusted: bool  # the certificate chains to a trust root (SIGNING_TRUST_ROOTS, the demo CA)
    timestamped: bool
    problem: str = ""  # what failed, in Vietnamese

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def ok(self):
        return self.intact and self.covers_document and self.trusted

    def as_json(self):
        data = asdict(self)
        data["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        return data


@dataclass
class PdfReport:
    signatures: list[SignatureReport] = field(default_factory=list)

    @property
    def all_ok(self):
        return bool(self.signatures) and all(signature.ok for signature in self.signatures)


def trust_roots():
    """The certificates a signature must chain to: each PEM file of SIGNING_TRUST_ROOTS, and the demo
    CA while SIGNING_TRUST_DEMO_CA is on (it is off in production)."""
    paths = [Path(path) for path in settings.SIGNING_TRUST_ROOTS]
    if settings.SIGNING_TRUST_DEMO_CA:
        paths.append(demo_root_path())
    roots = []
    for path in paths:
        if path.is_file():
            data = path.read_bytes()
            if pem.detect(data):
                roots.extend(x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True))
            else:
                roots.append(x509.Certificate.load(data))
    return roots


def verify_pdf(data: bytes) -> PdfReport:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as error:
        raise UnreadablePdf("Không đọc được tệp PDF (tệp hỏng hoặc không phải PDF).") from error
    roots = trust_roots()
    report = PdfReport()
    for signature in embedded:
        report.signatures.append(_report(signature, roots))
    return report


def _report(signature, roots):
    name = signature.field_name
    try:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = validate_pdf_signature(signature, signer_validation_context=context)
    except Exception as error:  # a malformed signature is reported, not raised: the other ones still count
        return SignatureReport(
            field=name,
            signer="",
            organisation="",
            kind="",
            signed_at=None,
            intact=False,
            covers_document=False,
            trusted=False,
            timestamped=False,
            problem=f"Không kiểm tra được chữ ký: {type(error).__name__}",
        )
    subject = status.signing_cert.subject.native
    level = status.modification_level
    covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and level is not None and level <= ALLOWED_AFTER
    )
    problems = []
    if not (status.intact and status.valid):
        problems.append("nội dung đã bị thay đổi sau khi ký")
    if not covers:
        problems.append("chữ ký không bao trùm toàn bộ văn bản")
    if not status.trusted:
        problems.append("chứng thư số không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy")
    return SignatureReport(
        field=name,
        signer=subject.get("common_name", ""),
        organisation=subject.get("organization_name", ""),
        kind=_kind(name, subject),
        signed_at=(status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt),
        intact=bool(status.intact and status.valid),
        covers_document=covers,
        trusted=bool(status.trusted),
        timestamped=status.timestamp_validity is not None,
        problem="; ".join(problems).capitalize(),
    )


def _kind(field_name, subject):
    if field_name == PERSON_FIELD:
        return "person"
    if field_name == ORGANISATION_FIELD:
        return "organisation"
    if subject.get("title"):
        return "person"
    if subject.get("common_name") and subject.get("common_name") == subject.get("organization_name"):
        return "organisation"
    return ""
