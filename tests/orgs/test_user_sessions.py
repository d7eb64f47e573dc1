"""A user's list of signed-in sessions (orgs.user_sessions, /tai-khoan/phien/): written at login,
kept current without a write per request, ended one by one or all but this one, never another user's."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orgs.models import AuditEvent, UserSession
from orgs.user_sessions import seen_marker
from tests.factories import UserFactory, post_login

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem"
FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def browser(user, *, ip="10.0.0.5", agent=FIREFOX):
    """A new browser, logged in as `user` through the login form."""
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
    response = post_login(client, user.username, PASSWORD)
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def signed_in(client):
    response = client.get(reverse("plans:list"))
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))
        return False
    assert response.status_code == 200
    return True


def row_of(client):
    return UserSession.objects.get(session_key=client.session.session_key)


# --- bookkeeping -------------------------------------------------------------------------------------


def test_logging_in_records_the_session_with_its_address_and_browser():
    user = UserFactory()
    client = browser(user, ip="203.0.113.7", agent=CHROME)
    row = row_of(client)
    assert row.user == user
    assert row.ip_address == "203.0.113.7"
    assert row.user_agent == CHROME
    assert timezone.now() - row.created_at < timedelta(minutes=1)


def test_logging_in_over_another_users_session_records_the_new_one():
    first, second = UserFactory(), UserFactory()
    client = browser(first)
    post_login(client, second.username, PASSWORD)
    assert row_of(client).user == second


def test_logging_out_removes_the_session_from_the_list():
    user = UserFactory()
    client = browser(user)
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(user=user).exists()


def test_last_seen_is_written_at_most_once_per_interval():
    client = browser(UserFactory())
    row = row_of(client)
    long_ago = timezone.now() - timedelta(hours=1)
    UserSession.objects.filter(pk=row.pk).update(last_seen_at=long_ago)

    signed_in(client)  # within the interval since the login wrote it: nothing written
    row.refresh_from_db()
    assert row.last_seen_at == long_ago

    cache.delete(seen_marker(row.session_key))  # the interval has passed
    signed_in(client)
    row.refresh_from_db()
    assert timezone.now() - row.last_seen_at < timedelta(minutes=1)


def test_a_session_signed_in_before_the_list_existed_gets_its_row():
    user = UserFactory()
    client = browser(user, ip="10.9.8.7")
    key = client.session.session_key
    UserSession.objects.all().delete()
    cache.delete(seen_marker(key))
    signed_in(client)
    assert UserSession.objects.get(session_key=key).ip_address == "10.9.8.7"


def test_logging_in_forgets_the_sessions_that_are_gone():
    user = UserFactory()
    old = browser(user)
    Session.objects.filter(session_key=old.session.session_key).delete()  # expired and cleared
    new = browser(user)
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        new.session.session_key
    ]


# --- the page ----------------------------------------------------------------------------------------


def test_the_page_lists_the_users_sessions_and_marks_the_current_one():
    user = UserFactory()
    browser(user, ip="10.0.0.1", agent=CHROME)
    here = browser(user, ip="10.0.0.2", agent=FIREFOX)
    response = here.get(reverse("account:sessions"))
    assert response.status_code == 200
    listed = response.context["sessions"]
    assert [row.ip_address for row in listed] == ["10.0.0.2", "10.0.0.1"]  # the current one first
    assert [row.is_current for row in listed] == [True, False]
    page = response.content.decode()
    assert "Firefox 127 trên Linux" in page and "Chrome 126 trên Windows" in page
    assert "Phiên hiện tại" in page
    assert page.count("Kết thúc phiên</button>") == 1  # only the other one can be ended here


def test_the_page_does_not_list_another_users_sessions():
    user, other = UserFactory(), UserFactory()
    browser(other, ip="198.51.100.9")
    here = browser(user)
    listed = here.get(reverse("account:sessions")).context["sessions"]
    assert {row.user_id for row in listed} == {user.pk}
    assert "198.51.100.9" not in here.get(reverse("account:sessions")).content.decode()


def test_an_expired_session_is_not_listed():
    user = UserFactory()
    old = browser(user)
    Session.objects.filter(session_key=old.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    here = browser(user)
    assert [row.session_key for row in here.get(reverse("account:sessions")).context["sessions"]] == [
        here.session.session_key
    ]


def test_a_session_from_before_a_password_set_elsewhere_is_not_listed():
    user = UserFactory()
    browser(user)
    user.set_password("Mat-khau-do-quan-tri-dat")  # e.g. in the admin's password form
    user.save()
    here = Client()
    post_login(here, user.username, "Mat-khau-do-quan-tri-dat")
    assert [row.session_key for row in here.get(reverse("account:sessions")).context["sessions"]] == [
        here.session.session_key
    ]


# --- ending sessions ---------------------------------------------------------------------------------


def test_ending_another_session_logs_that_browser_out():
    user = UserFactory()
    elsewhere = browser(user)
    here = browser(user)
    row = row_of(elsewhere)
    response = here.post(reverse("account:session_end", args=[row.pk]))
    assert response.status_code == 302 and response.url == reverse("account:sessions")
    assert not signed_in(elsewhere)
    assert not Session.objects.filter(session_key=row.session_key).exists()
    assert not UserSession.objects.filter(pk=row.pk).exists()
    assert signed_in(here)


def test_ending_a_session_is_audited_with_that_sessions_address_and_browser():
    user = UserFactory()
    row = row_of(browser(user, ip="10.0.0.9", agent=CHROME))
    browser(user).post(reverse("account:session_end", args=[row.pk]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_ENDED)
    assert event.actor == user
    assert (event.details["ip"], event.details["browser"]) == ("10.0.0.9", "Chrome 126 trên Windows")
    assert event.details["started"] == f"{timezone.localtime(row.created_at):%d/%m/%Y %H:%M}"


def test_ending_all_other_sessions_keeps_the_current_one():
    user = UserFactory()
    others = [browser(user), browser(user)]
    here = browser(user)
    response = here.post(reverse("account:sessions_end_others"), follow=True)
    assert "Đã kết thúc 2 phiên đăng nhập khác." in response.content.decode()
    assert [signed_in(client) for client in others] == [False, False]
    assert signed_in(here)
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        here.session.session_key
    ]


def test_another_users_session_cannot_be_ended():
    victim, user = UserFactory(), UserFactory()
    theirs = browser(victim)
    response = browser(user).post(reverse("account:session_end", args=[row_of(theirs).pk]))
    assert response.status_code == 404
    assert signed_in(theirs)


def test_the_current_session_is_not_ended_from_the_list():
    here = browser(UserFactory())
    assert here.post(reverse("account:session_end", args=[row_of(here).pk])).status_code == 404
    assert signed_in(here)


def test_ending_a_session_needs_a_post():
    user = UserFactory()
    elsewhere = browser(user)
    here = browser(user)
    assert here.get(reverse("account:session_end", args=[row_of(elsewhere).pk])).status_code == 405
    assert here.get(reverse("account:sessions_end_others")).status_code == 405
    assert signed_in(elsewhere)


def test_ending_a_session_needs_the_csrf_token():
    user = UserFactory()
    elsewhere = browser(user)
    here = Client(enforce_csrf_checks=True)
    here.force_login(user)
    assert here.post(reverse("account:session_end", args=[row_of(elsewhere).pk])).status_code == 403
    assert here.post(reverse("account:sessions_end_others")).status_code == 403
    assert signed_in(elsewhere)


def test_ending_a_session_works_when_sessions_live_in_the_cache(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    user = UserFactory()
    elsewhere = browser(user)
    here = browser(user)
    assert [row.is_current for row in here.get(reverse("account:sessions")).context["sessions"]] == [True, False]
    here.post(reverse("account:session_end", args=[row_of(elsewhere).pk]))
    assert not signed_in(elsewhere)
    assert signed_in(here)
