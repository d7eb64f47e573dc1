from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Đơn vị và người dùng"

    def ready(self):
        # openpyxl parses XML through defusedxml only when defusedxml is importable; refuse to start
        # without it so no upload can be parsed by the unprotected parser.
        from openpyxl.xml import DEFUSEDXML

        from . import checks  # noqa: F401  (registers the start-up checks)

        if not DEFUSEDXML:
            raise RuntimeError("defusedxml phải được cài đặt để openpyxl đọc tệp Excel an toàn.")

        # The audit trail of logins, logouts and failed logins (django-axes sends Django's
        # user_login_failed too, flagged on the request when the attempt hit a lock).
        from django.contrib.auth import signals

        from . import audit

        signals.user_logged_in.connect(audit.on_login, dispatch_uid="orgs.audit.login")
        signals.user_logged_out.connect(audit.on_logout, dispatch_uid="orgs.audit.logout")
        signals.user_login_failed.connect(audit.on_login_failed, dispatch_uid="orgs.audit.login_failed")

        # The user's list of sessions (orgs.user_sessions): a row per signed-in browser.
        from . import user_sessions

        signals.user_logged_in.connect(user_sessions.on_login, dispatch_uid="orgs.user_sessions.login")
        signals.user_logged_out.connect(user_sessions.on_logout, dispatch_uid="orgs.user_sessions.logout")

        # A unit's historical record says from which day its state held (orgs.models.UnitHistoryBase).
        from simple_history.signals import pre_create_historical_record

        pre_create_historical_record.connect(_date_unit_history, dispatch_uid="orgs.unit_history_effective_on")


def _date_unit_history(sender, instance, history_instance, **kwargs):
    from django.utils import timezone

    from .models import Unit

    if not isinstance(instance, Unit):
        return
    if history_instance.history_type == "+":
        history_instance.effective_on = instance.valid_from
    else:
        history_instance.effective_on = getattr(instance, "_history_effective", None) or timezone.localdate()
