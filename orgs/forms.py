"""The account forms that differ from Django's: the reset e-mail goes through the portal's outbox."""

import unicodedata

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model

from . import accounts


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, but the e-mail is written to the outbox (orgs.mail: sent by a task after the
    commit, retried), and an account whose password an administrator made unusable (a forced reset)
    may ask for a new link: every account here signs in with a portal password."""

    def get_users(self, email):
        email = (email or "").strip()
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True).order_by("pk")
        return [user for user in users if _folded(user.email) == _folded(email)]

    def save(self, *args, request=None, **kwargs):
        accounts.request_password_reset(users=self.get_users(self.cleaned_data["email"]), request=request)


def _folded(text):
    """Addresses compared as Django compares them (Unicode-aware, case-insensitive)."""
    return unicodedata.normalize("NFKC", text).casefold()
