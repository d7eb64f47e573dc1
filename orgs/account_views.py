"""The user's own account (/tai-khoan/): overview, password change, sessions; and the forgotten
password reset, open to anonymous visitors (see LoginRequiredMiddleware)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_POST

from . import accounts, user_agents, user_sessions
from .forms import PasswordResetForm
from .models import UserSession
from .scoping import memberships_of


@require_GET
def overview(request):
    context = {"memberships": memberships_of(request.user), "session_count": len(_sessions(request))}
    return render(request, "orgs/account/overview.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view (the form checks the old password and the validators); the session stays signed
    in under a new key, the user's other sessions end."""

    template_name = "orgs/account/password_change.html"
    success_url = reverse_lazy("account:overview")

    def form_valid(self, form):
        previous_key = self.request.session.session_key
        with transaction.atomic():
            response = super().form_valid(form)
            ended = accounts.password_changed(user=form.user, request=self.request, previous_key=previous_key)
        text = "Đã đổi mật khẩu."
        if ended:
            text += f" {ended} phiên đăng nhập khác đã kết thúc."
        messages.success(self.request, text)
        return response


@require_GET
def sessions(request):
    return render(request, "orgs/account/sessions.html", {"sessions": _sessions(request)})


@require_POST
def session_end(request, pk):
    """End one of the user's other sessions; another user's session, or the current one, is not found."""
    others = UserSession.objects.filter(user=request.user).exclude(session_key=request.session.session_key or "")
    row = get_object_or_404(others, pk=pk)
    accounts.end_session(row=row, request=request)
    messages.success(request, "Đã kết thúc phiên đăng nhập đó.")
    return redirect("account:sessions")


@require_POST
def sessions_end_others(request):
    ended = accounts.end_other_sessions(user=request.user, request=request)
    if ended:
        messages.success(request, f"Đã kết thúc {ended} phiên đăng nhập khác.")
    else:
        messages.info(request, "Không có phiên đăng nhập nào khác.")
    return redirect("account:sessions")


def _sessions(request):
    """The user's live sessions, the current one first, each with `is_current` and `browser`."""
    current = request.session.session_key
    rows = user_sessions.live_sessions(user=request.user)
    for row in rows:
        row.is_current = row.session_key == current
        row.browser = user_agents.describe(row.user_agent)
    return sorted(rows, key=lambda row: not row.is_current)


# --- a forgotten password (open to anonymous visitors) ------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an address; the answer is the same whether an account has it or not."""

    form_class = PasswordResetForm
    template_name = "orgs/account/password_reset_form.html"
    success_url = reverse_lazy("account:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "orgs/account/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed link: a new password, then every session of the user ends. A deactivated account's
    link does not work."""

    template_name = "orgs/account/password_reset_confirm.html"
    success_url = reverse_lazy("account:password_reset_complete")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            accounts.password_reset_done(user=form.user, request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "orgs/account/password_reset_complete.html"
