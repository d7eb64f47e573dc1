"""Real trust services for the signing tests, started by the suite: a certomancer test PKI (its own root;
a person's and an organisation's certificates that name an OCSP responder and a CRL; a time-stamping
authority) served by certomancer's Animator over HTTP, and the dummy Cloud Signature Consortium
service of certomancer-csc-dummy holding the same keys (tests/signing/csc_service.py, which checks the
PIN and OTP like a real service)."""

import base64
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ARCH = "tthc"
PIN, OTP = "246810", "135790"
P12_PASSPHRASE = "kiem-thu"

CONFIG = """
external-url-prefix: "http://127.0.0.1:{port}"
keysets:
  tthc:
    path-prefix: keys
    keys:
      root: {{path: root.key.pem}}
      tsa: {{path: tsa.key.pem}}
      person: {{path: person.key.pem}}
      unit: {{path: unit.key.pem}}
pki-architectures:
  tthc:
    keyset: tthc
    entity-defaults: {{country-name: VN, organization-name: "CA kiem thu"}}
    entities:
      root: {{common-name: "Root CA kiem thu"}}
      tsa: {{common-name: "TSA kiem thu"}}
      person: {{common-name: "Nguyễn Văn Kiểm Thử", title: "Chủ tịch", organization-name: "UBND xã Hà Tân"}}
      unit: {{common-name: "UBND xã Hà Tân", organization-name: "UBND xã Hà Tân"}}
    certs:
      root:
        subject: root
        issuer: root
        validity: {{valid-from: "2000-01-01T00:00:00+0000", valid-to: "2500-01-01T00:00:00+0000"}}
        profiles:
          - id: simple-ca
            params: {{crl-repo: root, ocsp-service: root}}
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
      person:
        issuer: root
        validity: {{valid-from: "2000-01-01T00:00:00+0000", valid-to: "2400-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
      unit:
        issuer: root
        validity: {{valid-from: "2000-01-01T00:00:00+0000", valid-to: "2400-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
    services:
      ocsp:
        root: {{for-issuer: root, responder-cert: root, signing-key: root}}
      crl-repo:
        root: {{for-issuer: root, signing-key: root, simulated-update-schedule: "P90D"}}
      time-stamping:
        tsa: {{signing-key: tsa, signing-cert: tsa}}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pem(der):
    text = base64.b64encode(der)
    lines = b"".join(text[i : i + 64] + b"\n" for i in range(0, len(text), 64))
    return b"-----BEGIN CERTIFICATE-----\n" + lines + b"-----END CERTIFICATE-----\n"


def _wait_for(port, what):
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


@dataclass
class TestPki:
    folder: Path
    port: int
    root_pem: Path

    @property
    def tsa_url(self):
        return f"http://127.0.0.1:{self.port}/{ARCH}/tsa/tsa"

    def p12(self, label):
        """A .p12 file of `label`'s key and certificate (with the chain), passphrase P12_PASSPHRASE."""
        from certomancer.registry import CertLabel, CertomancerConfig

        arch = CertomancerConfig.from_file(str(self.folder / "certomancer.yml")).get_pki_arch(ARCH)
        path = self.folder / f"{label}.p12"
        path.write_bytes(arch.package_pkcs12(CertLabel(label), password=P12_PASSPHRASE.encode()))
        return path


def start_pki(folder: Path):
    """(TestPki, the Animator's process): keys made here, the config written, the Animator serving."""
    from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig

    (folder / "keys").mkdir(parents=True)
    for name in ("root", "tsa", "person", "unit"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (folder / "keys" / f"{name}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    port = free_port()
    config = folder / "certomancer.yml"
    config.write_text(CONFIG.format(port=port), encoding="utf-8")
    root = CertomancerConfig.from_file(str(config)).get_pki_arch(ArchLabel(ARCH)).get_cert(CertLabel("root"))
    root_pem = folder / "root.pem"
    root_pem.write_bytes(_pem(root.dump()))
    certomancer = Path(sys.executable).with_name("certomancer")
    process = subprocess.Popen(
        [str(certomancer), "--config", str(config), "animate", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, "the certomancer Animator")
    except RuntimeError:
        process.terminate()
        raise
    return TestPki(folder=folder, port=port, root_pem=root_pem), process


def start_csc(pki: TestPki):
    """(the dummy CSC service's URL, its process), holding the test PKI's keys."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("csc_service.py")),
            str(pki.folder / "certomancer.yml"),
            str(port),
            PIN,
            OTP,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, "the dummy CSC service")
    except RuntimeError:
        process.terminate()
        raise
    return f"http://127.0.0.1:{port}", process


def stop(process):
    process.terminate()
    process.wait(10)
