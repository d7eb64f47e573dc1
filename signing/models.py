"""Where each signer's and each organisation's signing key is, and the documents the portal issued
signed. No private key, passphrase or PIN is ever stored here: a key row names a file, a token or a
service, and the *name* of the secret that opens it (signing.secrets reads it from the environment or
from the secrets file)."""

import secrets as random

from django.conf import settings
from django.db import models
from django.db.models import Q

from tthc_portal.jobs import JobRecord, JobState

# Letters and digits that cannot be mistaken for one another when typed from paper (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def new_code():
    """A short code for the verification page, printed on page 1 under the QR code: 10 characters,
    ~49 bits, so codes cannot be guessed to discover documents."""
    return "".join(random.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class SigningKey(models.Model):
    """The key of one signer (a person: Chủ tịch, Phó Chủ tịch) or one organisation (UBND xã …)."""

    class Backend(models.TextChoices):
        PKCS12 = "pkcs12", "Tệp PKCS#12 (.p12) trên máy chủ"
        PKCS11 = "pkcs11", "Token / HSM qua PKCS#11"
        CSC = "csc", "Dịch vụ ký số từ xa (CSC API)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="người ký",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signing_key",
    )
    unit = models.OneToOneField(
        "orgs.Unit",
        verbose_name="cơ quan, tổ chức",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signing_key",
    )
    backend = models.CharField("nơi giữ khóa", max_length=10, choices=Backend.choices, default=Backend.PKCS12)
    pkcs12_path = models.CharField(
        "đường dẫn tệp .p12", max_length=500, blank=True, help_text="Trên máy chạy tác vụ ký (Celery worker)."
    )
    pkcs11_module = models.CharField(
        "thư viện PKCS#11", max_length=300, blank=True, help_text="Ví dụ /usr/lib/softhsm/libsofthsm2.so."
    )
    pkcs11_token_label = models.CharField("nhãn token", max_length=100, blank=True)
    pkcs11_key_label = models.CharField(
        "nhãn khóa", max_length=100, blank=True, help_text="Nhãn của khóa bí mật và chứng thư số trên token."
    )
    csc_url = models.CharField(
        "địa chỉ dịch vụ ký số từ xa",
        max_length=300,
        blank=True,
        help_text="Phần đứng trước /csc/v1/… của API Cloud Signature Consortium, ví dụ https://ky-so.example.vn.",
    )
    csc_credential_id = models.CharField("mã chứng thư trên dịch vụ (credentialID)", max_length=200, blank=True)
    csc_needs_otp = models.BooleanField(
        "dịch vụ yêu cầu thêm mã OTP", default=False, help_text="Người ký nhập mã PIN và mã OTP cho mỗi lần ký."
    )
    csc_token_secret = models.CharField(
        "tên bí mật mã truy cập dịch vụ",
        max_length=100,
        blank=True,
        help_text="Mã truy cập (OAuth 2.0, “Bearer”) của Cổng với dịch vụ ký số từ xa, nếu dịch vụ yêu cầu: tên "
        "bí mật như ở ô dưới.",
    )
    secret_name = models.CharField(
        "tên bí mật mở khóa",
        max_length=100,
        blank=True,
        help_text="Mật khẩu tệp .p12, mã PIN của token, hoặc mã PIN của khóa cơ quan trên dịch vụ ký số từ xa: tên "
        "biến môi trường SIGNING_SECRET_<TÊN> hoặc khóa trong tệp SIGNING_SECRETS_FILE — không bao giờ được lưu "
        "trong cơ sở dữ liệu. Khóa của người ký trên dịch vụ từ xa để trống: người ký tự nhập mã PIN mỗi lần ký.",
    )
    image_png = models.BinaryField("hình chữ ký / con dấu (PNG nền trong suốt)", blank=True, default=b"")
    image_width_mm = models.DecimalField("chiều rộng hình (mm)", max_digits=5, decimal_places=1, default=35)
    name = models.CharField(
        "tên hiển thị", max_length=200, blank=True, help_text="Tên cơ quan in trên văn bản: “Ủy ban nhân dân xã …”."
    )
    certificate_subject = models.CharField("chủ thể chứng thư", max_length=500, blank=True, editable=False)
    is_demo = models.BooleanField("khóa thử (DEMO)", default=False)

    class Meta:
        verbose_name = "khóa ký số"
        verbose_name_plural = "khóa ký số"
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, unit__isnull=True) | Q(user__isnull=True, unit__isnull=False),
                name="signing_key_one_owner",
                violation_error_message="Khóa ký số thuộc về một người ký hoặc một cơ quan, không cả hai.",
            )
        ]

    def __str__(self):
        return f"Khóa ký số của {self.user or self.unit}"

    @property
    def is_organisation(self):
        return self.unit_id is not None

    @property
    def needs_signer_authorisation(self):
        """A person's key on a remote signing service: the signer authorises each signature themselves
        (PIN, and OTP when the service asks), in the page (signing.remote)."""
        return self.backend == self.Backend.CSC and not self.is_organisation


class IssuedDocument(models.Model):
    """A signed document as the portal issued it: exactly these bytes (SHA-256), found again by the
    code printed on its page 1 or by its hash when someone uploads a copy for verification."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Quyết định ban hành kế hoạch"
        REPORT = "report", "Báo cáo"

    code = models.CharField("mã tra cứu", max_length=20, unique=True, default=new_code)
    kind = models.CharField("loại văn bản", max_length=10, choices=Kind.choices)
    unit = models.ForeignKey("orgs.Unit", verbose_name="cơ quan ban hành", on_delete=models.PROTECT, related_name="+")
    number_text = models.CharField("số, ký hiệu", max_length=60)
    title = models.CharField("trích yếu", max_length=500)
    issued_on = models.DateField("ngày văn bản")
    file = models.FileField("tệp đã ký", upload_to="signing/issued/", max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    size = models.PositiveIntegerField("kích thước (byte)")
    signed_at = models.DateTimeField("ký lúc")

    class Meta:
        verbose_name = "văn bản đã ký số"
        verbose_name_plural = "văn bản đã ký số"
        ordering = ["-signed_at"]

    def __str__(self):
        return f"{self.number_text} ({self.unit})"


class SigningJob(JobRecord):
    """The job that signs one document the portal renders (signing.documents): the code printed on it,
    who signs it, and the IssuedDocument once signed. A concrete job names what it signs."""

    code = models.CharField("mã tra cứu", max_length=20, unique=True, default=new_code)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người ký", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Waiting for the signer to authorise a signature on a remote signing service (signing.remote): the
    # document prepared for it (its byte range digested, the signed attributes fixed) and what is left
    # to do once it is signed. Nothing secret: the PIN / OTP never leave the request that uses them.
    held = models.JSONField("chờ người ký xác nhận", null=True, blank=True, editable=False)
    held_file = models.FileField("bản chờ ký", upload_to="signing/held/", blank=True, max_length=300, editable=False)
    document = models.OneToOneField(
        IssuedDocument,
        verbose_name="văn bản đã ký",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s",
    )

    class Meta:
        abstract = True

    @property
    def is_ready(self):
        return self.state == JobState.DONE and self.document_id is not None

    @property
    def is_waiting(self):
        return self.state == JobState.WAITING
