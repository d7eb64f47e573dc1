"""The admin names where each key is and which secret opens it; the image is uploaded as a PNG and kept
with the key; issued documents are read-only."""

import io

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from orgs.models import User
from signing.models import IssuedDocument, SigningKey

pytestmark = pytest.mark.django_db


def png():
    out = io.BytesIO()
    Image.new("RGBA", (40, 20), (0, 0, 255, 255)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def admin_client(client, seed):
    client.force_login(User.objects.create_superuser("quantri", password="x"))
    return client


def form_data(key, **changes):
    data = {
        "user": key.user_id or "",
        "unit": key.unit_id or "",
        "name": key.name,
        "backend": key.backend,
        "pkcs12_path": key.pkcs12_path,
        "pkcs11_module": "",
        "pkcs11_token_label": "",
        "pkcs11_key_label": "",
        "secret_name": key.secret_name,
        "image_width_mm": "36",
    }
    return {**data, **changes}


def test_a_png_uploaded_becomes_the_key_s_image(admin_client):
    key = SigningKey.objects.filter(unit__slug="ha-tan").get()
    url = reverse("admin:signing_signingkey_change", args=[key.pk])
    response = admin_client.post(url, form_data(key, image_upload=SimpleUploadedFile("dau.png", png(), "image/png")))
    assert response.status_code == 302
    assert bytes(SigningKey.objects.get(pk=key.pk).image_png) == png()


def test_a_file_that_is_not_a_png_is_refused_and_the_image_stays(admin_client):
    key = SigningKey.objects.filter(unit__slug="ha-tan").get()
    before = bytes(key.image_png)
    url = reverse("admin:signing_signingkey_change", args=[key.pk])
    fake = SimpleUploadedFile("dau.png", b"<svg></svg>", "image/png")
    response = admin_client.post(url, form_data(key, image_upload=fake))
    assert response.status_code == 200 and "không phải hình PNG" in response.content.decode()
    assert bytes(SigningKey.objects.get(pk=key.pk).image_png) == before


def test_issued_documents_cannot_be_changed_or_deleted_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:signing_issueddocument_add")).status_code == 403
    model_admin = admin.site._registry[IssuedDocument]
    assert not model_admin.has_change_permission(None) and not model_admin.has_delete_permission(None)
