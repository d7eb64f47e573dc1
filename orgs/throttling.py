"""Login throttling on top of django-axes (settings.AXES_HANDLER).

django-axes locks one username from one address after AXES_FAILURE_LIMIT failures. That alone lets
one address try a few passwords against every username (password spraying), so this handler also
locks the address — every username from it — once the failures from it within the cool-off add up
to AXES_ADDRESS_FAILURE_LIMIT, a higher limit: an office behind one address must not be locked out by
a few colleagues' typos. Both locks lift by themselves after AXES_COOLOFF_TIME.

Behind reverse proxies the address is what `orgs.audit.client_ip` reads (TRUSTED_PROXY_COUNT): with
the count wrong, every user has the proxy's address and this lock would shut everyone out at once —
see the deployment notes in README.md and the start-up check in orgs.checks.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def address_failures(ip_address):
    """Failed logins from `ip_address` within the cool-off, whatever the username."""
    if not ip_address:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return (
        AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
            total=Sum("failures_since_start")
        )["total"]
        or 0
    )


class Handler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        ip_address = getattr(request, "axes_ip_address", None)
        if address_failures(ip_address) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            request.axes_address_locked = True
            return True
        return False
