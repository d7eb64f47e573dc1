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


# The steps that need a verified second factor (orgs.two_factor): a plan's workflow and signatures, a
# báo cáo's signature. Reading, editing a draft and commenting do not.
SECOND_FACTOR_VIEWS = {
    "plans:submit",
    "plans:return",
    "plans:approve",
    "plans:issue",
    "plans:reopen",
    "plans:new_revision",
    "plans:signed_retry",
    "plans:signed_authorise",
    "plans:signed_upload",
    "reports:sign_send",
    "reports:signed_authorise",
}


class SecondFactorMiddleware:
    """Before a workflow step (SECOND_FACTOR_VIEWS, when posted) or any page of the admin site, a user
    who must use a second factor and has not verified it in this session is sent to verify it — or,
    with no app yet, to enrol one — and comes back to the page it was on. Nothing is done meanwhile.
    After django_otp's OTPMiddleware (request.user.is_verified)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from . import two_factor
        from .two_factor_views import second_factor_redirect

        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        admin = request.path_info.startswith(reverse("admin:index"))
        step = match is not None and match.view_name in SECOND_FACTOR_VIEWS and request.method == "POST"
        if not (admin or step) or not two_factor.must_verify(user):
            return None
        return second_factor_redirect(request, enrol=not two_factor.enrolled(user))
