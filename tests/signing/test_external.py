"""Signing outside the portal: the signer downloads the final unsigned PDF, signs it with their own
software, uploads it; the portal takes it only if it is that PDF byte for byte plus incremental
updates and every signature is intact, covers the whole document and is trusted."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.stamp import TextStamp, TextStampStyle

from orgs.models import User
from plans.models import Plan, SignedPlan
from plans.workflow import services as workflow
from signing.models import SigningKey
from signing.pdf import SignatureRequest, sign_pdf
from tests.signing.test_verification import untrusted_signer

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(seed, django_capture_on_commit_callbacks):
    """Hà Tân's plan issued by a signer whose key is on a USB token, not on the portal: the portal's own
    signing fails and the signer signs outside."""
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    signer = User.objects.get(username="ha-tan-signer")
    person = SigningKey.objects.get(user=signer)
    person.delete()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.issue_plan(plan=Plan.objects.get(pk=plan.pk), user=signer, issued_on=date(2024, 1, 20))
    person.pk = None  # the same key, now "on the signer's token": used below as their own software would
    return Plan.objects.get(pk=plan.pk), person


def signer_client():
    client = Client()
    client.force_login(User.objects.get(username="ha-tan-signer"))
    return client


def unsigned(client, plan):
    response = client.get(reverse("plans:signed_unsigned", args=[plan.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def sign_outside(data, key, unit_key):
    return sign_pdf(
        data,
        [
            SignatureRequest(key=key, field_name="NguoiKy", reason="", location=""),
            SignatureRequest(key=unit_key, field_name="CoQuan", reason="", location=""),
        ],
    )


def upload(client, plan, data):
    page = client.post(
        reverse("plans:signed_upload", args=[plan.pk]),
        {"file": SimpleUploadedFile("da-ky.pdf", data, "application/pdf")},
        follow=True,
    )
    return " ".join(message.message for message in page.context["messages"])


def test_the_file_signed_outside_is_taken_as_issued(issued):
    plan, person = issued
    client = signer_client()
    data = unsigned(client, plan)
    assert unsigned(client, plan) == data  # made once: the same bytes each time
    signed = sign_outside(data, person, SigningKey.objects.get(unit=plan.unit))
    assert "Đã nhận văn bản đã ký số" in upload(client, plan, signed)
    job = SignedPlan.objects.get(plan=plan)
    assert job.is_ready and job.document.file.read() == signed


def test_a_changed_content_is_refused_and_nothing_changes(issued):
    plan, person = issued
    client = signer_client()
    data = bytearray(unsigned(client, plan))
    at = data.index(b"stream\n") + 40
    data[at] = (data[at] + 1) % 256
    message = upload(client, plan, sign_outside(bytes(data), person, SigningKey.objects.get(unit=plan.unit)))
    assert "không phải bản cuối chưa ký" in message
    assert not SignedPlan.objects.get(plan=plan).is_ready


def test_a_signature_by_an_untrusted_certificate_is_refused(issued):
    plan, _ = issued
    client = signer_client()
    from pyhanko.sign import signers

    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(unsigned(client, plan))),
        signers.PdfSignatureMetadata(field_name="NguoiLa"),
        signer=untrusted_signer(),
        output=out,
    )
    message = upload(client, plan, out.getvalue())
    assert "Chữ ký thứ 1" in message and "không thuộc tổ chức" in message
    assert not SignedPlan.objects.get(plan=plan).is_ready


def test_a_signature_that_does_not_cover_the_whole_document_is_refused(issued):
    plan, person = issued
    client = signer_client()
    signed = sign_outside(unsigned(client, plan), person, SigningKey.objects.get(unit=plan.unit))
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    TextStamp(writer, TextStampStyle(stamp_text="Sửa sau khi ký")).apply(0, 100, 100)
    changed = io.BytesIO()
    writer.write(changed)
    message = upload(client, plan, changed.getvalue())
    assert "không bao trùm toàn bộ văn bản" in message
    assert not SignedPlan.objects.get(plan=plan).is_ready


def test_only_the_unit_s_signer_gets_the_unsigned_file(issued):
    plan, _ = issued
    editor = Client()
    editor.force_login(User.objects.get(username="ha-tan-editor"))
    assert editor.get(reverse("plans:signed_unsigned", args=[plan.pk])).status_code == 403
