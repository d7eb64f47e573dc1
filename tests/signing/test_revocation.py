"""PAdES B-LT: when the signers' certificates name an OCSP responder and a CRL (the certomancer test PKI,
served by its Animator), the signed document carries the revocation data of each signature in its
document security store, so that it can be validated later without asking anyone."""

import io
import subprocess
from datetime import date

import pytest
from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore

from orgs.models import User
from plans.models import Plan, SignedPlan
from plans.workflow import services as workflow
from signing.models import SigningKey
from signing.verify import verify_pdf

from .services import P12_PASSPHRASE

pytestmark = pytest.mark.django_db


def use_test_pki(test_pki, monkeypatch):
    """Hà Tân's signer and Hà Tân sign with .p12 files of the test PKI."""
    monkeypatch.setenv("SIGNING_SECRET_TEST_PKI", P12_PASSPHRASE)
    for owner, label in ((dict(user__username="ha-tan-signer"), "person"), (dict(unit__slug="ha-tan"), "unit")):
        key = SigningKey.objects.get(**owner)
        key.backend, key.pkcs12_path, key.secret_name = SigningKey.Backend.PKCS12, str(test_pki.p12(label)), "test-pki"
        key.save()


def issue(django_capture_on_commit_callbacks):
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.issue_plan(
            plan=Plan.objects.get(pk=plan.pk),
            user=User.objects.get(username="ha-tan-signer"),
            issued_on=date(2024, 1, 20),
        )
    return SignedPlan.objects.get(plan=plan)


@pytest.fixture
def signed(seed, test_pki, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.SIGNING_TSA_URL = test_pki.tsa_url
    settings.SIGNING_TRUST_ROOTS = [str(test_pki.root_pem)]
    use_test_pki(test_pki, monkeypatch)
    job = issue(django_capture_on_commit_callbacks)
    assert job.is_ready, job.error
    return job.document.file.read()


def test_the_document_security_store_holds_the_ocsp_responses_of_both_signers_and_the_tsa(signed):
    dss = PdfFileReader(io.BytesIO(signed)).root["/DSS"]
    assert len(dss["/OCSPs"]) >= 3 and len(dss["/Certs"]) >= 3


def test_each_signature_validates_offline_from_the_embedded_revocation_data_alone(signed, test_pki):
    """No fetching, and revocation checked strictly: only what the document carries can satisfy it."""
    root = x509.Certificate.load(pem.unarmor(test_pki.root_pem.read_bytes())[2])
    reader = PdfFileReader(io.BytesIO(signed))
    embedded = DocumentSecurityStore.read_dss(reader).as_validation_context(
        {"trust_roots": [root], "allow_fetching": False, "revocation_mode": "hard-fail"}
    )
    for signature in reader.embedded_signatures:
        status = validate_pdf_signature(signature, signer_validation_context=embedded)
        assert status.bottom_line, signature.field_name


def test_without_the_embedded_data_the_strict_offline_check_fails(signed, test_pki):
    """The check above can fail: the same signatures, the same trust root, no revocation data."""
    from pyhanko_certvalidator import ValidationContext

    root = x509.Certificate.load(pem.unarmor(test_pki.root_pem.read_bytes())[2])
    reader = PdfFileReader(io.BytesIO(signed))
    bare = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="hard-fail", crls=[], ocsps=[])
    signature = reader.embedded_signatures[0]
    assert not validate_pdf_signature(signature, signer_validation_context=bare).bottom_line


def test_the_signatures_stay_valid_for_the_portal_and_pdfsig(signed, tmp_path):
    assert verify_pdf(signed).all_ok
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 2


def test_a_certificate_chaining_to_no_trust_root_fails_the_signing_with_the_reason(
    seed, test_pki, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.SIGNING_TRUST_ROOTS = []
    settings.SIGNING_TRUST_DEMO_CA = True
    use_test_pki(test_pki, monkeypatch)
    job = issue(django_capture_on_commit_callbacks)
    assert job.is_failed and "OCSP/CRL" in job.error and job.document is None
