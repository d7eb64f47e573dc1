"""Keys on a remote signing service (Cloud Signature Consortium API): the dummy CSC service of
certomancer-csc-dummy holding the test PKI's keys, started by the suite (tests/signing/services.py).
The signer authorises each signature in the page with a PIN and an OTP, used in that request only; the
organisation's key is authorised by the portal with the PIN of its secret."""

import subprocess
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from orgs.models import User
from periods.models import ReportingPeriod
from plans.models import Notification, Plan, SignedPlan
from plans.workflow import services as workflow
from reports import services as reports
from reports.models import SignedReport
from reports.signing import is_sent, sign_and_send
from signing.documents import authorise_held
from signing.keys import SigningFailed
from signing.models import SigningKey
from signing.verify import ORGANISATION_FIELD, PERSON_FIELD, verify_pdf

from .services import OTP, PIN, free_port

pytestmark = pytest.mark.django_db


def on_service(owner, url, credential, **fields):
    key = SigningKey.objects.get(**owner)
    key.backend, key.csc_url, key.csc_credential_id = SigningKey.Backend.CSC, url, credential
    for name, value in fields.items():
        setattr(key, name, value)
    key.save()
    return key


@pytest.fixture
def remote_signer(seed, test_pki, csc_url, settings):
    """Hà Tân's signer signs on the remote service (PIN + OTP); trust the test PKI."""
    settings.SIGNING_TRUST_ROOTS = [str(test_pki.root_pem)]
    settings.SIGNING_TSA_URL = test_pki.tsa_url
    return on_service(dict(user__username="ha-tan-signer"), csc_url, "tthc/person", csc_needs_otp=True)


def issue(django_capture_on_commit_callbacks, unit="ha-tan"):
    plan = Plan.objects.get(unit__slug=unit, year=2024)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.issue_plan(
            plan=Plan.objects.get(pk=plan.pk),
            user=User.objects.get(username=f"{unit}-signer"),
            issued_on=date(2024, 1, 20),
        )
    return SignedPlan.objects.get(plan=plan)


@pytest.fixture
def held(remote_signer, django_capture_on_commit_callbacks):
    return issue(django_capture_on_commit_callbacks)


def test_issuing_prepares_the_document_and_waits_for_the_signer(held):
    assert held.is_waiting and held.document is None and held.held_file
    assert held.held_file.read().startswith(b"%PDF-")
    assert PIN not in str(held.held) and OTP not in str(held.held)


def test_the_signer_s_pin_and_otp_sign_it_then_the_unit_signs(held, django_capture_on_commit_callbacks, tmp_path):
    with django_capture_on_commit_callbacks(execute=True):
        authorise_held(held, pin=PIN, otp=OTP)
    held.refresh_from_db()
    assert held.is_ready, held.error
    data = held.document.file.read()
    signatures = {signature.field: signature for signature in verify_pdf(data).signatures}
    person = signatures[PERSON_FIELD]
    assert person.ok and person.timestamped and person.signer == "Nguyễn Văn Kiểm Thử"
    assert signatures[ORGANISATION_FIELD].ok
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 2
    assert not held.held and not held.held_file


def test_a_wrong_pin_is_told_and_changes_nothing(held):
    with pytest.raises(SigningFailed, match="không chấp nhận mã PIN hoặc mã OTP"):
        authorise_held(held, pin="000000", otp=OTP)
    held.refresh_from_db()
    assert held.is_waiting and held.document is None and "signature" not in held.held


def test_a_wrong_otp_is_told(held):
    with pytest.raises(SigningFailed, match="Invalid OTP"):
        authorise_held(held, pin=PIN, otp="111111")


def test_a_missing_otp_is_asked_for_before_calling_the_service(held):
    with pytest.raises(SigningFailed, match="mã OTP"):
        authorise_held(held, pin=PIN, otp="")


def test_a_hold_older_than_the_limit_is_prepared_again(held, settings, django_capture_on_commit_callbacks):
    held.held = {**held.held, "signed_at": (date.today() - timedelta(days=1)).isoformat() + "T00:00:00+07:00"}
    held.save(update_fields=["held"])
    first_hash = held.held["person"]["hash"]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SigningFailed, match="chuẩn bị lại"):
        authorise_held(held, pin=PIN, otp=OTP)
    held.refresh_from_db()
    assert held.is_waiting and held.held["person"]["hash"] != first_hash


def test_the_signer_authorises_in_the_page(held, django_capture_on_commit_callbacks):
    signer = Client()
    signer.force_login(User.objects.get(username="ha-tan-signer"))
    page = signer.get(reverse("plans:detail", args=[held.plan_id])).content.decode()
    assert 'name="pin"' in page and 'name="otp"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = signer.post(reverse("plans:signed_authorise", args=[held.plan_id]), {"pin": PIN, "otp": OTP})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.is_ready, held.error


def test_a_wrong_pin_in_the_page_shows_the_service_s_refusal(held):
    signer = Client()
    signer.force_login(User.objects.get(username="ha-tan-signer"))
    response = signer.post(
        reverse("plans:signed_authorise", args=[held.plan_id]), {"pin": "1", "otp": OTP}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "không chấp nhận mã PIN" in page and 'name="pin"' in page


def test_only_the_signer_can_authorise(held):
    editor = Client()
    editor.force_login(User.objects.get(username="ha-tan-editor"))
    response = editor.post(reverse("plans:signed_authorise", args=[held.plan_id]), {"pin": PIN, "otp": OTP})
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.is_waiting


def test_the_unit_s_key_on_the_service_is_authorised_with_its_secret(
    seed, test_pki, csc_url, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.SIGNING_TRUST_ROOTS = [str(test_pki.root_pem)]
    monkeypatch.setenv("SIGNING_SECRET_CSC_HA_TAN", PIN)
    on_service(dict(unit__slug="ha-tan"), csc_url, "tthc/unit", secret_name="csc-ha-tan")
    job = issue(django_capture_on_commit_callbacks)
    assert job.is_ready, job.error
    organisation = next(s for s in verify_pdf(job.document.file.read()).signatures if s.field == ORGANISATION_FIELD)
    assert organisation.ok and organisation.signer == "UBND xã Hà Tân"


def test_a_wrong_secret_pin_for_the_unit_s_key_fails_the_job_with_the_reason(
    seed, test_pki, csc_url, settings, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setenv("SIGNING_SECRET_CSC_HA_TAN", "000000")
    on_service(dict(unit__slug="ha-tan"), csc_url, "tthc/unit", secret_name="csc-ha-tan")
    job = issue(django_capture_on_commit_callbacks)
    assert job.is_failed and "không chấp nhận mã PIN" in job.error and job.document is None


def test_an_unreachable_service_is_told(seed, django_capture_on_commit_callbacks):
    on_service(dict(user__username="ha-tan-signer"), f"http://127.0.0.1:{free_port()}", "tthc/person")
    job = issue(django_capture_on_commit_callbacks)
    assert job.is_failed and "Không kết nối được dịch vụ ký số từ xa" in job.error


def test_a_report_waits_for_the_signer_and_is_sent_once_signed(
    seed, test_pki, csc_url, settings, django_capture_on_commit_callbacks
):
    settings.SIGNING_TRUST_ROOTS = [str(test_pki.root_pem)]
    on_service(dict(user__username="thanh-thuy-signer"), csc_url, "tthc/person", csc_needs_otp=True)
    plan = Plan.objects.get(unit__slug="thanh-thuy")
    report = reports.get_report(plan=plan, period=ReportingPeriod.objects.get(code="9M"))
    with django_capture_on_commit_callbacks(execute=True):
        job = sign_and_send(report=report, user=User.objects.get(username="thanh-thuy-signer"))
    job.refresh_from_db()
    assert job.is_waiting and is_sent(report)
    assert not Notification.objects.filter(verb=Notification.Verb.REPORT_SENT).exists()
    signer = Client()
    signer.force_login(User.objects.get(username="thanh-thuy-signer"))
    with django_capture_on_commit_callbacks(execute=True):
        signer.post(reverse("reports:signed_authorise", args=[plan.pk, "9M"]), {"pin": PIN, "otp": OTP})
    job = SignedReport.objects.get(pk=job.pk)
    assert job.is_ready, job.error
    assert verify_pdf(job.document.file.read()).all_ok
    assert Notification.objects.filter(verb=Notification.Verb.REPORT_SENT).exists()


def test_the_signer_can_give_up_a_held_report_and_it_can_be_edited_again(
    seed, test_pki, csc_url, settings, django_capture_on_commit_callbacks
):
    on_service(dict(user__username="thanh-thuy-signer"), csc_url, "tthc/person", csc_needs_otp=True)
    plan = Plan.objects.get(unit__slug="thanh-thuy")
    report = reports.get_report(plan=plan, period=ReportingPeriod.objects.get(code="9M"))
    with django_capture_on_commit_callbacks(execute=True):
        job = sign_and_send(report=report, user=User.objects.get(username="thanh-thuy-signer"))
    signer = Client()
    signer.force_login(User.objects.get(username="thanh-thuy-signer"))
    signer.post(reverse("reports:signed_authorise", args=[plan.pk, "9M"]), {"action": "cancel"})
    job = SignedReport.objects.get(pk=job.pk)
    assert job.is_failed and "hủy" in job.error and not job.held and not job.held_file
    assert not is_sent(report)
