"""Sessions expire, passwords follow Django's validators, CSRF is checked, anonymous visitors see
only the login page."""

from datetime import timedelta

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory, post_login

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem"


def login(client, user, **extra):
    return post_login(client, user.username, PASSWORD, **extra)


# --- sessions ----------------------------------------------------------------------------------------


def test_a_session_lasts_a_working_day_and_ends_with_the_browser(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_the_session_cookie_is_a_browser_session_cookie(client):
    user = UserFactory()
    response = login(client, user)
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # gone when the browser closes
    assert cookie["httponly"] is True


def test_the_server_forgets_a_session_after_eight_hours(client):
    user = UserFactory()
    login(client, user)
    session = Session.objects.get()
    assert abs(session.expire_date - (timezone.now() + timedelta(hours=8))) < timedelta(minutes=1)
    assert client.get(reverse("plans:list")).status_code == 200
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("plans:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_logging_out_ends_the_session(client):
    login(client, UserFactory())
    client.post(reverse("logout"))
    assert not Session.objects.exists()
    assert client.get(reverse("plans:list")).status_code == 302


# --- passwords ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, reason",
    [
        ("12345678", "numeric"),
        ("password", "common"),
        ("ab1-cd", "too short"),
        ("le-loi-editor-2024", "too similar to the username"),
    ],
)
def test_an_administrator_cannot_set_a_weak_password(password, reason):
    user = UserFactory(username="le-loi-editor-2024")
    form = SetPasswordForm(user, {"new_password1": password, "new_password2": password})
    assert not form.is_valid(), reason


@pytest.mark.parametrize("password", ["Kiem-soat-TTHC-2025", "tthc-demo-2024"])
def test_a_reasonable_password_is_accepted(password):
    user = UserFactory(username="le-loi-editor")
    form = SetPasswordForm(user, {"new_password1": password, "new_password2": password})
    assert form.is_valid(), form.errors


# --- CSRF and anonymous visitors ------------------------------------------------------------------------


def test_the_login_form_needs_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    assert login(client, user).status_code == 403
    page = client.get(reverse("login"))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302


def test_a_state_change_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    assert client.post(reverse("logout")).status_code == 403


@pytest.mark.parametrize("name", ["plans:list", "dashboard", "orgs:audit_log", "admin:index"])
def test_an_anonymous_visitor_sees_only_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    assert client.get(reverse("login")).status_code == 200
