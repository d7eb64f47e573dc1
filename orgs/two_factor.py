"""The second factor: a TOTP authenticator app, with one-time recovery codes for a lost phone
(django-otp's device framework; the devices are orgs.AuthenticatorApp and orgs.RecoveryCodes).

Who: signers, reviewers, unit administrators and staff must use it before their first workflow
action of a session (orgs.middleware.SecondFactorMiddleware names the actions); anyone else may opt
in, and is then asked for it the same way. Verifying once marks the session (django_otp.login).

Secrets: the app's seed is sealed with a key derived from TWO_FACTOR_KEY (default SECRET_KEY), so a
copy of the database alone does not give the seeds; recovery codes are stored as SHA-256 digests of
16 random base32 characters (80 bits). Changing TWO_FACTOR_KEY makes every enrolled app unreadable:
users then enrol again after an administrator resets their second factor.

TWO_FACTOR_DEMO_BYPASS (the demo, `make run`) requires the second factor of nobody; settings refuse
it when DEBUG is off.
"""

import base64
import hashlib
import secrets
from urllib.parse import quote, urlencode

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction

from .audit import record as audit
from .models import AuditEvent, AuthenticatorApp, Membership, RecoveryCode, RecoveryCodes
from .scoping import memberships_of

REQUIRED_ROLES = {Membership.Role.SIGNER, Membership.Role.REVIEWER, Membership.Role.ADMIN}
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 16
ISSUER = "Cổng KSTTHC"


class EnrolmentRefused(Exception):
    """str(error) is the message for the user."""


# --- sealing the seed ---------------------------------------------------------------------------------


def _fernet():
    secret = (getattr(settings, "TWO_FACTOR_KEY", "") or settings.SECRET_KEY).encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tthc-portal", info=b"totp-seed").derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def seal(seed: bytes) -> str:
    return _fernet().encrypt(seed).decode()


def unseal(sealed: str) -> bytes:
    try:
        return _fernet().decrypt(sealed.encode())
    except InvalidToken as error:
        raise EnrolmentRefused(
            "Không đọc được khóa của ứng dụng xác thực (khóa mã hóa của cổng đã thay đổi). Hãy nhờ quản trị "
            "viên đặt lại xác thực hai bước rồi đăng ký lại."
        ) from error


def code_digest(code) -> str:
    normal = "".join(str(code or "").split()).replace("-", "").upper()
    return hashlib.sha256(normal.encode()).hexdigest()


# --- who --------------------------------------------------------------------------------------------------


def bypassed():
    return bool(getattr(settings, "TWO_FACTOR_DEMO_BYPASS", False))


def required_for(user):
    """Signers, reviewers, unit administrators and staff must use a second factor."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or any(m.role in REQUIRED_ROLES for m in memberships_of(user))


def enrolled(user):
    return AuthenticatorApp.objects.filter(user=user, confirmed=True).exists()


def must_verify(user):
    """Whether `user` must have verified its second factor in this session before a workflow action."""
    if bypassed() or not user.is_authenticated:
        return False
    return required_for(user) or enrolled(user)


# --- enrolment ----------------------------------------------------------------------------------------


def pending_app(user):
    """The app being enrolled (not confirmed yet): the same one until it is confirmed, so reloading the
    page does not change the QR code the user has already scanned."""
    app = AuthenticatorApp.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if app is None:
        app = AuthenticatorApp.objects.create(
            user=user, name="Ứng dụng xác thực", confirmed=False, sealed_key=seal(secrets.token_bytes(20))
        )
    return app


def secret_text(app):
    """The seed in base32, as an app asks for it when typed in by hand (groups of 4)."""
    text = base64.b32encode(unseal(app.sealed_key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(app):
    """otpauth://totp/… (the Key Uri Format the apps read from the QR code)."""
    secret = base64.b32encode(unseal(app.sealed_key)).decode().rstrip("=")
    label = quote(f"{ISSUER}:{app.user.get_username()}")
    query = urlencode({"secret": secret, "issuer": ISSUER, "algorithm": "SHA1", "digits": 6, "period": 30})
    return f"otpauth://totp/{label}?{query}"


def qr_svg(app):
    """The provisioning address as an SVG QR code (markup only: no script, no style attribute)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(provisioning_uri(app), image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


@transaction.atomic
def confirm_app(*, user, token, request=None):
    """The user typed a code from the app it just scanned: the app is enrolled (any earlier one is
    replaced), new recovery codes are made and returned (shown once), and the session is verified.
    Raises EnrolmentRefused with the reason."""
    app = AuthenticatorApp.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    if app is None:
        raise EnrolmentRefused("Chưa có ứng dụng nào đang đăng ký: hãy mở lại trang đăng ký.")
    if not app.verify_token(token):
        raise EnrolmentRefused(
            "Mã không đúng. Hãy nhập 6 chữ số đang hiện trong ứng dụng (mã đổi sau mỗi 30 giây) và kiểm tra "
            "giờ trên điện thoại."
        )
    AuthenticatorApp.objects.filter(user=user).exclude(pk=app.pk).delete()
    app.confirmed = True
    app.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    audit(actor=user, action=AuditEvent.Action.SECOND_FACTOR_ENROLLED, target=user, request=request)
    return app, codes


@transaction.atomic
def new_recovery_codes(user):
    """RECOVERY_CODE_COUNT new one-time codes (the old ones stop working); returns them in clear, once."""
    device, _ = RecoveryCodes.objects.get_or_create(user=user, defaults={"name": "Mã dự phòng", "confirmed": True})
    device.codes.all().delete()
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # base32 without the look-alikes 0/O, 1/I
    codes = ["".join(secrets.choice(alphabet) for _ in range(RECOVERY_CODE_LENGTH)) for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode(device=device, digest=code_digest(code)) for code in codes)
    return ["-".join(code[i : i + 4] for i in range(0, len(code), 4)) for code in codes]


def recovery_codes_left(user):
    return RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()


# --- verifying ------------------------------------------------------------------------------------------


def verify(*, user, token):
    """The device that accepts `token` (the app's 6 digits, or an unused recovery code), or None."""
    token = str(token or "").strip()
    digits = token.replace(" ", "")
    if digits.isdigit() and len(digits) == 6:
        devices = list(AuthenticatorApp.objects.filter(user=user, confirmed=True))
    else:
        devices = list(RecoveryCodes.objects.filter(user=user, confirmed=True))
    for device in devices:
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(token):
                return locked
    return None


def throttled_until(user):
    """When the next try is allowed, if the devices are slowed down by failures (else None)."""
    for device in [
        *AuthenticatorApp.objects.filter(user=user, confirmed=True),
        *RecoveryCodes.objects.filter(user=user),
    ]:
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            return data["locked_until"]
    return None


@transaction.atomic
def remove(*, user, actor, request=None):
    """Remove the user's second factor (the user itself when not required to have one, or an
    administrator when the phone and the codes are lost)."""
    AuthenticatorApp.objects.filter(user=user).delete()
    RecoveryCodes.objects.filter(user=user).delete()
    audit(actor=actor, action=AuditEvent.Action.SECOND_FACTOR_REMOVED, target=user, request=request)
