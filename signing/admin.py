"""Signing keys and issued documents in the admin. A key row names where the key is and the name of
the secret that opens it — no private key, passphrase or PIN is ever typed here. The signature or seal
image is uploaded as a PNG (checked by Pillow) and kept with the row. Issued documents are read-only:
nothing about a signed file changes after it was issued."""

import io

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from PIL import Image

from .models import IssuedDocument, SigningKey

MAX_IMAGE_BYTES = 2 * 1024 * 1024


class SigningKeyForm(forms.ModelForm):
    image_upload = forms.FileField(
        label="tải lên hình chữ ký / con dấu (PNG nền trong suốt)",
        required=False,
        help_text="Chữ ký: màu xanh; con dấu: màu đỏ, đúng kích thước thật (ghi ở ô chiều rộng).",
    )

    class Meta:
        model = SigningKey
        fields = [
            "user",
            "unit",
            "name",
            "backend",
            "pkcs12_path",
            "pkcs11_module",
            "pkcs11_token_label",
            "pkcs11_key_label",
            "csc_url",
            "csc_credential_id",
            "csc_needs_otp",
            "csc_token_secret",
            "secret_name",
            "image_width_mm",
            "is_demo",
        ]

    def clean_image_upload(self):
        uploaded = self.cleaned_data.get("image_upload")
        if not uploaded:
            return None
        if uploaded.size > MAX_IMAGE_BYTES:
            raise ValidationError("Hình lớn hơn 2 MB.")
        data = uploaded.read()
        try:
            with Image.open(io.BytesIO(data)) as picture:
                picture.verify()
                kind = picture.format
        except Exception:
            raise ValidationError("Tệp này không phải hình PNG đọc được.") from None
        if kind != "PNG":
            raise ValidationError("Hãy tải lên hình PNG (nền trong suốt).")
        return data

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("backend") == SigningKey.Backend.CSC:
            if not cleaned.get("csc_url") or not cleaned.get("csc_credential_id"):
                raise ValidationError(
                    "Khóa trên dịch vụ ký số từ xa cần địa chỉ dịch vụ và mã chứng thư (credentialID)."
                )
            if cleaned.get("unit") and not cleaned.get("secret_name"):
                raise ValidationError(
                    "Khóa của cơ quan trên dịch vụ ký số từ xa cần tên bí mật chứa mã PIN (Cổng ký thay cơ quan)."
                )
        return cleaned

    def save(self, commit=True):
        key = super().save(commit=False)
        if self.cleaned_data.get("image_upload"):
            key.image_png = self.cleaned_data["image_upload"]
        if commit:
            key.save()
        return key


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    form = SigningKeyForm
    list_display = ["__str__", "backend", "secret_name", "is_demo", "certificate_subject"]
    list_filter = ["backend", "is_demo"]
    search_fields = ["user__username", "user__full_name", "unit__name", "name"]
    readonly_fields = ["certificate_subject"]
    autocomplete_fields = ["user", "unit"]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ["number_text", "unit", "kind", "issued_on", "signed_at", "code"]
    list_filter = ["kind"]
    search_fields = ["number_text", "code", "sha256", "unit__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
