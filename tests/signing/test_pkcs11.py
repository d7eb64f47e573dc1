"""Keys on a token through PKCS#11: SoftHSM2 (Debian's softhsm2, installed by `make test`) with a token
this module creates, holding the unit's key and certificate; the PIN comes from the environment."""

import os
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from orgs.models import User
from plans.models import Plan, SignedPlan
from plans.workflow import services as workflow
from signing import pki
from signing.models import SigningKey
from signing.verify import ORGANISATION_FIELD, verify_pdf

pytestmark = pytest.mark.django_db

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN, PIN, LABEL = "tthc-kiem-thu", "123456", "ubnd-ha-tan"


@pytest.fixture(scope="module")
def token(django_db_blocker):
    """A SoftHSM2 token with Hà Tân's key and certificate (from the demo CA), made before the PKCS#11
    library is first loaded in this process (SoftHSM reads its tokens when it starts)."""
    import pkcs11
    from pkcs11 import Attribute, ObjectClass
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    folder = Path(tempfile.mkdtemp(prefix="tthc-softhsm-"))
    (folder / "tokens").mkdir()
    config = folder / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(config)
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "654321"],
        check=True,
        capture_output=True,
    )
    with django_db_blocker.unblock():
        issued = pki.issue_certificate(
            common_name="Ủy ban nhân dân xã Hà Tân", organisation="Ủy ban nhân dân xã Hà Tân"
        )
    key_der = issued.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    with pkcs11.lib(MODULE).get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        identity = {Attribute.LABEL: LABEL, Attribute.ID: b"\x01", Attribute.TOKEN: True}
        session.create_object({**decode_rsa_private_key(key_der), **identity, Attribute.SENSITIVE: True})
        for certificate in (issued.certificate, pki.demo_ca().certificate):
            der = certificate.public_bytes(serialization.Encoding.DER)
            attributes = decode_x509_certificate(der)
            attributes[Attribute.CLASS] = ObjectClass.CERTIFICATE
            session.create_object(
                {**attributes, **identity, Attribute.LABEL: LABEL if certificate is issued.certificate else "ca"}
            )
    return TOKEN


def use_token(unit_slug, *, token_label=TOKEN):
    key = SigningKey.objects.get(unit__slug=unit_slug)
    key.backend = SigningKey.Backend.PKCS11
    key.pkcs11_module, key.pkcs11_token_label, key.pkcs11_key_label = MODULE, token_label, LABEL
    key.secret_name = "softhsm-ha-tan"
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


def test_the_unit_signs_with_its_key_on_the_token(seed, token, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setenv("SIGNING_SECRET_SOFTHSM_HA_TAN", PIN)
    use_token("ha-tan")
    job = issue(django_capture_on_commit_callbacks)
    assert job.is_ready, job.error
    signatures = verify_pdf(job.document.file.read()).signatures
    organisation = next(signature for signature in signatures if signature.field == ORGANISATION_FIELD)
    assert organisation.ok and organisation.signer == "Ủy ban nhân dân xã Hà Tân"


def test_a_wrong_pin_is_told_and_nothing_is_issued_signed(seed, token, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setenv("SIGNING_SECRET_SOFTHSM_HA_TAN", "000000")
    use_token("ha-tan")
    job = issue(django_capture_on_commit_callbacks)
    assert job.is_failed and "PIN" in job.error and job.document is None


def test_an_absent_token_is_told(seed, token, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setenv("SIGNING_SECRET_SOFTHSM_HA_TAN", PIN)
    use_token("ha-tan", token_label="khong-cam")
    job = issue(django_capture_on_commit_callbacks)
    assert job.is_failed and "token" in job.error
