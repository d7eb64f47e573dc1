"""Start-up checks (Django's system checks: every management command, `make serve` before gunicorn,
and `manage.py check --deploy`) for settings that are wrong in production in ways a page won't show."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def proxy_count(app_configs, **kwargs):
    """Behind a TLS proxy with TRUSTED_PROXY_COUNT at 0, every request comes from the proxy's address:
    the audit log names the proxy for everyone, and login throttling counts every user's failures
    together — a few failed logins anywhere lock everyone out (orgs.throttling)."""
    if settings.DEBUG or not settings.SECURE_PROXY_SSL_HEADER or settings.TRUSTED_PROXY_COUNT > 0:
        return []
    return [
        Warning(
            "BEHIND_TLS_PROXY=1 nhưng TRUSTED_PROXY_COUNT=0: mọi yêu cầu mang địa chỉ của proxy, nên nhật ký "
            "ghi sai địa chỉ và giới hạn đăng nhập sai tính chung cho mọi người dùng (vài lần sai ở bất kỳ đâu "
            "sẽ khóa đăng nhập của tất cả).",
            hint="Đặt TRUSTED_PROXY_COUNT bằng số proxy đứng trước Django và ghi thêm vào X-Forwarded-For "
            "(một nginx: 1). Xem mục triển khai trong README.md.",
            id="orgs.W001",
        )
    ]
