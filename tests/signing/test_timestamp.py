"""RFC 3161 timestamps from a time-stamping authority: a certomancer TSA (its own small PKI, keys made
here) started by this module as a real HTTP service; each signature then carries a timestamp that the
validators accept, and an unreachable TSA fails the signing with the reason."""

import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from orgs.models import User
from plans.models import Plan, SignedPlan
from plans.workflow import services as workflow
from signing.verify import verify_pdf

pytestmark = pytest.mark.django_db

CONFIG = """
external-url-prefix: "http://127.0.0.1:{port}"
keysets:
  tthc:
    path-prefix: keys
    keys:
      root: {{path: root.key.pem}}
      tsa: {{path: tsa.key.pem}}
pki-architectures:
  tthc:
    keyset: tthc
    entity-defaults: {{country-name: VN, organization-name: "TSA kiem thu"}}
    entities:
      root: {{common-name: "Root TSA kiem thu"}}
      tsa: {{common-name: "TSA kiem thu"}}
    certs:
      root:
        subject: root
        issuer: root
        validity: {{valid-from: "2000-01-01T00:00:00+0000", valid-to: "2500-01-01T00:00:00+0000"}}
        profiles: [simple-ca]
      tsa:
        issuer: root
        validity: {{valid-from: "2000-01-01T00:00:00+0000", valid-to: "2400-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - id: extended_key_usage
            critical: true
            value: [time_stamping]
    services:
      time-stamping:
        tsa:
          signing-key: tsa
          signing-cert: tsa
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def tsa(tmp_path_factory):
    """(the TSA's URL, the PEM file of its root) — the certomancer Animator serving it."""
    from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig

    folder = tmp_path_factory.mktemp("tsa")
    (folder / "keys").mkdir()
    for name in ("root", "tsa"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (folder / "keys" / f"{name}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    port = free_port()
    config = folder / "certomancer.yml"
    config.write_text(CONFIG.format(port=port))
    root = CertomancerConfig.from_file(str(config)).get_pki_arch(ArchLabel("tthc")).get_cert(CertLabel("root"))
    root_pem = folder / "root.pem"
    root_pem.write_bytes(b"-----BEGIN CERTIFICATE-----\n" + _b64(root.dump()) + b"-----END CERTIFICATE-----\n")
    certomancer = Path(sys.executable).with_name("certomancer")
    server = subprocess.Popen(
        [str(certomancer), "--config", str(config), "animate", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the certomancer TSA did not start")
        yield f"http://127.0.0.1:{port}/tthc/tsa/tsa", root_pem
    finally:
        server.terminate()
        server.wait(10)


def _b64(der):
    import base64

    text = base64.b64encode(der)
    return b"".join(text[i : i + 64] + b"\n" for i in range(0, len(text), 64))


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


def test_each_signature_carries_a_timestamp_the_validators_accept(
    seed, tsa, settings, django_capture_on_commit_callbacks
):
    settings.SIGNING_TSA_URL, root = tsa
    settings.SIGNING_TRUST_ROOTS = [str(root)]
    job = issue(django_capture_on_commit_callbacks)
    assert job.is_ready, job.error
    signatures = verify_pdf(job.document.file.read()).signatures
    assert [(signature.timestamped, signature.ok) for signature in signatures] == [(True, True), (True, True)]


def test_an_unreachable_tsa_fails_the_signing_with_the_reason(seed, settings, django_capture_on_commit_callbacks):
    settings.SIGNING_TSA_URL = f"http://127.0.0.1:{free_port()}/tsa"
    job = issue(django_capture_on_commit_callbacks)
    assert job.is_failed and "dấu thời gian" in job.error
