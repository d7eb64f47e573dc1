from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Đơn vị và người dùng"

    def ready(self):
        # openpyxl parses XML through defusedxml only when defusedxml is importable; refuse to start
        # without it so no upload can be parsed by the unprotected parser.
        from openpyxl.xml import DEFUSEDXML

        if not DEFUSEDXML:
            raise RuntimeError("defusedxml phải được cài đặt để openpyxl đọc tệp Excel an toàn.")

        # The audit trail of logins, logouts and failed logins (django-axes sends Django's
        # user_login_failed too, flagged on the request when the attempt hit a lock).
        from django.contrib.auth import signals

        from . import audit

        signals.user_logged_in.connect(audit.on_login, dispatch_uid="orgs.audit.login")
        signals.user_logged_out.connect(audit.on_logout, dispatch_uid="orgs.audit.logout")
        signals.user_login_failed.connect(audit.on_login_failed, dispatch_uid="orgs.audit.login_failed")
