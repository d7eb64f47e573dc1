"""The demo's certificate authority and certificates (cryptography), marked "DEMO – không có giá trị
pháp lý" in every subject: a newcomer issues and verifies signed documents with no other set-up. A
deployment uses certificates from a licensed CA (its own .p12 files) and lists the CA's root in
SIGNING_TRUST_ROOTS."""

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

DEMO_MARK = "DEMO – không có giá trị pháp lý"
VALID_YEARS = 10


@dataclass
class Issued:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


def demo_dir() -> Path:
    return Path(settings.SIGNING_KEYS_DIR) / "demo"


def demo_root_path() -> Path:
    return demo_dir() / "demo-ca.pem"


def demo_ca() -> Issued:
    """The demo CA, made once and kept in SIGNING_KEYS_DIR/demo (its key readable by the portal only)."""
    folder = demo_dir()
    key_path, cert_path = folder / "demo-ca.key", demo_root_path()
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return Issued(key=key, certificate=x509.load_pem_x509_certificate(cert_path.read_bytes()))
    folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_MARK),
            x509.NameAttribute(NameOID.COMMON_NAME, "Cổng TTHC – CA thử nghiệm (DEMO)"),
        ]
    )
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(
        key_path,
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return Issued(key=key, certificate=certificate)


def _fit(text: str, limit: int = 64) -> str:
    """`text` cut to what an X.509 name attribute holds: `limit` bytes of UTF-8, whole letters."""
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text.strip()


def issue_certificate(*, common_name: str, organisation: str, title: str = "") -> Issued:
    """A signing certificate from the demo CA: a person's (CN their name, title their post) or an
    organisation's (CN and O its name)."""
    ca = demo_ca()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_MARK),
    ]
    if title:
        attributes.append(x509.NameAttribute(NameOID.TITLE, _fit(title)))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)))
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * (VALID_YEARS - 1)))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.certificate.public_key()), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    return Issued(key=key, certificate=certificate)


def write_pkcs12(path: Path, issued: Issued, *, friendly_name: str) -> str:
    """Write `issued` with the demo CA's certificate as a .p12 file under a new random passphrase, which
    is returned (for signing.secrets), never written beside it."""
    passphrase = secrets.token_urlsafe(18)
    data = pkcs12.serialize_key_and_certificates(
        friendly_name.encode(),
        issued.key,
        issued.certificate,
        [demo_ca().certificate],
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_private(path, data)
    return passphrase


def _write_private(path: Path, data: bytes):
    import os

    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
