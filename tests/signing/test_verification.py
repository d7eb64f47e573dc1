"""The verification page (no login) and `verify_pdf`: by the code printed on page 1, or any PDF
uploaded; they say who signed and whether the file is intact and the portal's own, nothing more."""

import datetime as dt
import io
import json
from datetime import date

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from orgs.models import User
from plans.models import Plan, SignedPlan
from plans.workflow import services as workflow
from signing.verify import verify_pdf
from tthc_portal.printing import render_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(seed, django_capture_on_commit_callbacks):
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.issue_plan(
            plan=Plan.objects.get(pk=plan.pk),
            user=User.objects.get(username="ha-tan-signer"),
            issued_on=date(2024, 1, 20),
        )
    return SignedPlan.objects.select_related("document").get(plan=plan)


def upload(client, data, name="van-ban.pdf"):
    return client.post(reverse("signing:verify"), {"file": SimpleUploadedFile(name, data, "application/pdf")})


def test_anyone_opens_the_document_by_its_code_without_logging_in(signed):
    page = Client().get(reverse("signing:document", args=[signed.code]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "01/QĐ-UBND" in text and "Mọi chữ ký đều hợp lệ" in text
    assert "Người có thẩm quyền" in text and "Cơ quan, tổ chức" in text
    assert "Công khai thủ tục hành chính" not in text  # nothing of the plan's rows


def test_the_code_typed_from_paper_is_found_with_spaces_and_small_letters(signed):
    code = signed.code.lower()
    page = Client().post(reverse("signing:verify"), {"code": f" {code[:5]} {code[5:]} "})
    assert page.status_code == 200 and signed.document.number_text in page.content.decode()


def test_an_unknown_code_is_a_404(seed):
    assert Client().get(reverse("signing:document", args=["KHONGCOMA"])).status_code == 404


def test_the_issued_file_uploaded_is_recognised_byte_for_byte(signed):
    page = upload(Client(), signed.document.file.read())
    assert "chính là bản do Cổng phát hành" in page.content.decode()


def test_a_changed_copy_is_not_the_portal_s_and_its_signatures_fail(signed):
    data = bytearray(signed.document.file.read())
    position = data.index(b"stream\n") + 30
    data[position] = (data[position] + 1) % 256
    text = upload(Client(), bytes(data)).content.decode()
    assert "không phải</strong> một bản do Cổng phát hành" in text
    assert "Có chữ ký không hợp lệ" in text


def test_a_file_that_is_not_a_pdf_is_refused_with_a_message(seed):
    page = upload(Client(), b"<html>%PDF-1.7</html>", name="gia.pdf")
    assert "không phải PDF" in page.content.decode()


def test_a_pdf_without_signatures_says_so(seed):
    page = upload(Client(), render_pdf("<p>Không ký</p>").data)
    assert "không có chữ ký số nào" in page.content.decode()


def untrusted_signer():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Người lạ")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(b"x", key, certificate, None, serialization.NoEncryption())
    return signers.SimpleSigner.load_pkcs12_data(data, [], passphrase=None)


def test_a_signature_by_an_unknown_certificate_is_intact_but_not_trusted(seed):
    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(render_pdf("<p>Văn bản</p>").data)),
        signers.PdfSignatureMetadata(field_name="Sig1"),
        signer=untrusted_signer(),
        output=out,
    )
    (signature,) = verify_pdf(out.getvalue()).signatures
    assert signature.intact and signature.covers_document and not signature.trusted
    assert "không thuộc tổ chức" in signature.problem


def test_verify_pdf_prints_each_signature_and_the_number_as_json(signed, tmp_path):
    path = tmp_path / "van-ban.pdf"
    path.write_bytes(signed.document.file.read())
    out = io.StringIO()
    call_command("verify_pdf", str(path), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["valid"] and result["issued_by_portal"]["number"] == "01/QĐ-UBND"
    assert [(s["kind"], s["intact"], s["covers_document"], s["trusted"]) for s in result["signatures"]] == [
        ("person", True, True, True),
        ("organisation", True, True, True),
    ]


def test_verify_pdf_exits_non_zero_for_a_file_without_signatures(seed, tmp_path):
    path = tmp_path / "khong-ky.pdf"
    path.write_bytes(render_pdf("<p>x</p>").data)
    with pytest.raises(CommandError, match="không có chữ ký"):
        call_command("verify_pdf", str(path), stdout=io.StringIO())
