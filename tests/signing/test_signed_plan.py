"""The issued plan leaves the portal signed: the signer's signature, then the unit's, each valid and
covering the document, checked by pyHanko and by poppler's pdfsig (an independent validator)."""

import hashlib
import io
import re
import subprocess
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from orgs.models import User
from plans.models import Plan, SignedPlan
from plans.workflow import services as workflow
from signing.models import SigningKey
from signing.verify import ORGANISATION_FIELD, PERSON_FIELD, UnreadablePdf, verify_pdf

pytestmark = pytest.mark.django_db
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def issued(seed, django_capture_on_commit_callbacks):
    """Hà Tân's 2024 plan taken through the workflow and issued by its signer (the job runs in-process)."""
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    plan.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.issue_plan(plan=plan, user=User.objects.get(username="ha-tan-signer"), issued_on=date(2024, 1, 20))
    return Plan.objects.get(pk=plan.pk)


def pdfsig(path):
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def test_issuing_signs_the_document_by_the_person_then_the_organisation(issued):
    job = SignedPlan.objects.get(plan=issued)
    assert job.is_ready, job.error
    report = verify_pdf(job.document.file.read())
    assert [signature.field for signature in report.signatures] == [PERSON_FIELD, ORGANISATION_FIELD]
    assert [signature.kind for signature in report.signatures] == ["person", "organisation"]
    assert all(signature.intact and signature.covers_document and signature.trusted for signature in report.signatures)


def test_pdfsig_finds_every_signature_valid(issued, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(SignedPlan.objects.get(plan=issued).document.file.read())
    out = pdfsig(path)
    assert out.count("Signature Validation: Signature is Valid.") == 2, out


def signed_bytes(plan):
    return SignedPlan.objects.get(plan=plan).document.file.read()


def byte_ranges(data):
    return [tuple(map(int, match)) for match in re.findall(rb"/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]", data)]


@pytest.mark.parametrize("nth_stream", [0, 3, -1])
def test_one_changed_byte_in_the_signed_range_makes_both_validators_refuse(issued, tmp_path, nth_stream):
    data = bytearray(signed_bytes(issued))
    first_hole = byte_ranges(bytes(data))[0][1]  # the first signature's /Contents starts here
    streams = [match.end() + 20 for match in re.finditer(rb"stream\r?\n", bytes(data[:first_hole]))]
    offset = streams[nth_stream]
    data[offset] = (data[offset] + 1) % 256
    path = tmp_path / "changed.pdf"
    path.write_bytes(bytes(data))
    assert "Signature is Valid." not in pdfsig(path)
    try:
        report = verify_pdf(bytes(data))
    except UnreadablePdf:
        return  # the change broke the file's structure: refused as unreadable
    assert len(report.signatures) == 2
    assert not any(signature.intact for signature in report.signatures)


def test_the_download_is_exactly_the_stored_file(issued, client):
    job = SignedPlan.objects.get(plan=issued)
    client.force_login(User.objects.get(username="ha-tan-editor"))
    response = client.get(reverse("plans:signed_download", args=[issued.pk]))
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == job.document.sha256
    assert response["Content-Disposition"].startswith("attachment")


def test_the_time_printed_on_page_1_is_the_signing_time(issued):
    data = signed_bytes(issued)
    first_page = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    times = {signature.signed_at.astimezone(VIETNAM).isoformat() for signature in verify_pdf(data).signatures}
    assert len(times) == 1
    assert f"Thời gian ký: {times.pop()}" in " ".join(first_page.split())


def test_the_number_and_the_verification_code_are_printed_before_signing(issued):
    data = signed_bytes(issued)
    job = SignedPlan.objects.get(plan=issued)
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]
    assert "Số: 01/QĐ-UBND" in pages[0] and "Hà Tân, ngày 20 tháng 01 năm 2024" in pages[0]
    assert f"Mã tra cứu: {job.code}" in pages[0]
    attached = next(page for page in pages if "KẾ HOẠCH KIỂM SOÁT" in page)
    assert "Số, ký hiệu: 01/QĐ-UBND" in attached
    assert "Quyết định số: 01/QĐ-UBND ngày 20/01/2024" in attached


def test_a_signer_without_a_key_gets_the_reason_and_a_retry_with_the_same_number_and_code(
    seed, django_capture_on_commit_callbacks
):
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    signer = User.objects.get(username="ha-tan-signer")
    key = SigningKey.objects.get(user=signer)
    SigningKey.objects.filter(pk=key.pk).delete()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.issue_plan(plan=Plan.objects.get(pk=plan.pk), user=signer, issued_on=date(2024, 1, 20))
    job = SignedPlan.objects.get(plan=plan)
    assert job.is_failed and "Chưa có khóa ký số" in job.error
    key.pk = None
    key.save()
    client = Client()
    client.force_login(signer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("plans:signed_retry", args=[plan.pk]))
    retried = SignedPlan.objects.get(plan=plan)
    assert retried.is_ready and retried.code == job.code
    assert retried.document.number_text == "01/QĐ-UBND"


def test_only_a_signer_of_the_unit_may_sign_again(seed):
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    client = Client()
    client.force_login(User.objects.get(username="ha-tan-editor"))
    assert client.post(reverse("plans:signed_retry", args=[plan.pk])).status_code == 403


def test_a_plan_issued_before_signing_existed_is_signed_from_its_page(seed, django_capture_on_commit_callbacks):
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ISSUED)
    plan.decision.number, plan.decision.issued_on = 4, date(2024, 1, 20)
    plan.decision.save(update_fields=["number", "issued_on"])
    client = Client()
    client.force_login(User.objects.get(username="ha-tan-signer"))
    assert "Ký số trên Cổng" in client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("plans:signed_retry", args=[plan.pk]))
    job = SignedPlan.objects.get(plan=plan)
    assert job.is_ready and job.document.number_text == "04/QĐ-UBND"
