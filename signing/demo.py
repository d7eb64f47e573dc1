"""The demo's keys: a certificate from the demo CA, its .p12 file and the secret that opens it (in the
secrets file, never in the database), and a PNG signature (a person) or seal (an organisation) — for
each demo signer and unit, so that a newcomer issues a signed document with no other set-up."""

from pathlib import Path

from django.utils.text import slugify

from . import images, pki
from .models import SigningKey
from .secrets import store_secret

SEAL_MM = 36
SIGNATURE_MM = 45


def ensure_demo_key(*, user=None, unit=None, common_name, organisation, title=""):
    """The demo key of `user` (a person) or `unit` (an organisation), made once."""
    owner = {"user": user} if user is not None else {"unit": unit}
    existing = SigningKey.objects.filter(**owner).first()
    if existing is not None and Path(existing.pkcs12_path).is_file():
        return existing
    label = f"demo-{'user' if user is not None else 'unit'}-{slugify(user.username if user else unit.slug)}"
    issued = pki.issue_certificate(common_name=common_name, organisation=organisation, title=title)
    path = pki.demo_dir() / f"{label}.p12"
    store_secret(label, pki.write_pkcs12(path, issued, friendly_name=common_name))
    key = existing or SigningKey(**owner)
    key.backend = SigningKey.Backend.PKCS12
    key.pkcs12_path = str(path)
    key.secret_name = label
    key.is_demo = True
    key.name = common_name
    key.certificate_subject = issued.certificate.subject.rfc4514_string()
    if user is not None:
        key.image_width_mm = SIGNATURE_MM
        picture = images.signature_png(common_name, width_mm=SIGNATURE_MM)
    else:
        key.image_width_mm = SEAL_MM
        picture = images.seal_png(organisation, diameter_mm=SEAL_MM)
    key.image_png = picture
    key.save()
    return key
