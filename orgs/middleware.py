from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from . import user_sessions
from .audit import record_denied


class LoginRequiredMiddleware:
    """An anonymous visitor sees only the login page (and the static files it needs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            path = request.path_info
            open_paths = (
                reverse("login"),
                reverse("healthz"),
                reverse("signing:verify"),  # anyone holding a document may verify it
                "/lich/",  # a personal calendar feed: its secret token is the key (reminders.feed)
                reverse("account:password_reset"),  # a forgotten password: the address, then "sent"
                "/tai-khoan/dat-lai-mat-khau/",  # the e-mailed link (its token is the key), then "done"
                "/" + settings.STATIC_URL.lstrip("/"),
            )
            if not path.startswith(open_paths):
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class AuditRefusedMiddleware:
    """Every request answered 403 (PermissionDenied, or a view's own refusal) leaves a line in the
    audit log. Refusals answered 404 so that existence does not leak are recorded where they are
    decided, with orgs.audit.record_refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            record_denied(request, status=403)
        return response


class RequestMembershipsMiddleware:
    """Lets orgs.scoping read the user's memberships once per request (see memberships_of)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            request.user.keeps_memberships = True
        return self.get_response(request)


class SessionActivityMiddleware:
    """Keeps the user's list of sessions current: when this session was last active and from where,
    written at most once every few minutes (orgs.user_sessions.touch), not on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.session.session_key:
            user_sessions.touch(request)
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing a signed-in user is shown is kept by a browser or a proxy cache (a shared office computer,
    a caching proxy): every response to an authenticated request — pages, fragments, downloads — is
    `Cache-Control: no-store`. Static files (WhiteNoise, before this) and the anonymous pages keep their
    own headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
