"""The user's own account (/tai-khoan/): overview, password change (the other sessions end), and the
forgotten password reset by e-mail through the outbox (the same answer for any address; the new
password ends every session)."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from orgs.models import AuditEvent, Membership, OutgoingEmail, User, UserSession
from tests.factories import UnitFactory, UserFactory, post_login

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem"
NEW_PASSWORD = "Kiem-soat-TTHC-2025"


def browser(user, password=PASSWORD):
    client = Client()
    response = post_login(client, user.username, password)
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def signed_in(client):
    response = client.get(reverse("plans:list"))
    return response.status_code == 200


def can_log_in(user, password):
    return post_login(Client(), user.username, password).status_code == 302


# --- the account page and the header -------------------------------------------------------------------


def test_the_account_page_shows_the_name_the_units_and_the_links():
    unit = UnitFactory(name="Lê Lợi")
    user = UserFactory(full_name="Nguyễn Thị Hoa", email="hoa@le-loi.example")
    Membership.objects.create(user=user, unit=unit, role=Membership.Role.EDITOR)
    page = browser(user).get(reverse("account:overview")).content.decode()
    assert "Nguyễn Thị Hoa" in page and "hoa@le-loi.example" in page
    assert "Xã Lê Lợi – Công chức soạn thảo" in page
    assert reverse("account:password_change") in page and reverse("account:sessions") in page


def test_the_header_links_to_the_account_page_beside_the_users_name():
    user = UserFactory(full_name="Nguyễn Thị Hoa")
    page = browser(user).get(reverse("plans:list")).content.decode()
    assert f'<span>Nguyễn Thị Hoa</span>\n      <a href="{reverse("account:overview")}">Tài khoản</a>' in page


# --- changing one's password -----------------------------------------------------------------------------


def change_password(client, old=PASSWORD, new=NEW_PASSWORD):
    return client.post(
        reverse("account:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_the_password_change_page_is_in_vietnamese():
    page = browser(UserFactory()).get(reverse("account:password_change")).content.decode()
    assert "<h1>Đổi mật khẩu</h1>" in page
    assert "Mật khẩu cũ" in page and "Xác nhận mật khẩu mới" in page


def test_changing_the_password_keeps_this_session_signed_in():
    user = UserFactory()
    client = browser(user)
    response = change_password(client)
    assert response.status_code == 302 and response.url == reverse("account:overview")
    assert signed_in(client)
    assert can_log_in(user, NEW_PASSWORD) and not can_log_in(user, PASSWORD)


def test_changing_the_password_ends_the_session_of_another_browser():
    user = UserFactory()
    elsewhere, here = browser(user), browser(user)
    elsewhere_key = elsewhere.session.session_key
    response = change_password(here)
    assert "1 phiên đăng nhập khác đã kết thúc" in here.get(response.url).content.decode()
    assert not Session.objects.filter(session_key=elsewhere_key).exists()  # gone from the store
    assert not signed_in(elsewhere)
    assert not UserSession.objects.filter(session_key=elsewhere_key).exists()
    # This browser's session is listed under its new key (Django renews it on a password change).
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        here.session.session_key
    ]


def test_a_wrong_old_password_changes_nothing():
    user = UserFactory()
    elsewhere, here = browser(user), browser(user)
    response = change_password(here, old="khong-dung")
    assert response.status_code == 200
    assert "Mật khẩu cũ không chính xác" in response.content.decode()
    assert can_log_in(user, PASSWORD)
    assert signed_in(elsewhere)


def test_a_weak_new_password_is_refused_in_vietnamese():
    client = browser(UserFactory())
    response = change_password(client, new="12345678")
    assert response.status_code == 200
    assert "Mật khẩu này hoàn toàn là số." in response.content.decode()


def test_a_password_change_is_audited():
    user = UserFactory()
    browser(user)
    change_password(browser(user))
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert (event.actor, event.target_id, event.details) == (user, str(user.pk), {"sessions_ended": 1})


# --- a forgotten password ----------------------------------------------------------------------------


def ask_for_reset(client, email):
    return client.post(reverse("account:password_reset"), {"email": email})


def link_in(message):
    """The path of the reset link in an outbox message."""
    found = re.search(r"https?://[^/\s]+(/tai-khoan/dat-lai-mat-khau/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def set_new_password(client, path, password=NEW_PASSWORD):
    """Open the e-mailed link (it redirects to the form without the token) and set the password."""
    response = client.get(path)
    assert response.status_code == 302, response.status_code
    form = client.get(response.url)
    assert form.context["validlink"], form.content.decode()[:500]
    return client.post(response.url, {"new_password1": password, "new_password2": password})


def test_the_login_page_links_to_the_password_reset():
    assert reverse("account:password_reset") in Client().get(reverse("login")).content.decode()


@pytest.mark.parametrize(
    "name, kwargs, text",
    [
        ("account:password_reset", {}, "Quên mật khẩu"),
        ("account:password_reset_done", {}, "Hãy kiểm tra hộp thư"),
        ("account:password_reset_confirm", {"uidb64": "MTIz", "token": "khong-co"}, "Liên kết không còn dùng được"),
        ("account:password_reset_complete", {}, "Đã đặt mật khẩu mới"),
    ],
)
def test_the_reset_pages_answer_an_anonymous_visitor_in_vietnamese(name, kwargs, text):
    response = Client().get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert text in response.content.decode()


def test_a_reset_request_queues_the_email_in_the_outbox_instead_of_sending_it(django_capture_on_commit_callbacks):
    UserFactory(username="hoa", email="hoa@le-loi.example")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = ask_for_reset(Client(), "HOA@le-loi.example")
    assert response.status_code == 302 and response.url == reverse("account:password_reset_done")
    message = OutgoingEmail.objects.get()
    assert (message.to, message.subject, message.state) == (
        "hoa@le-loi.example",
        "[Cổng KSTTHC] Đặt lại mật khẩu",
        OutgoingEmail.State.PENDING,
    )
    assert "tài khoản “hoa”" in message.body and "http://127.0.0.1:8000/tai-khoan/dat-lai-mat-khau/" in message.body
    assert mail.outbox == []  # nothing sent in the request
    for callback in callbacks:  # after the commit, the outbox task sends it
        callback()
    message.refresh_from_db()
    assert message.state == OutgoingEmail.State.SENT
    assert [sent.to for sent in mail.outbox] == [["hoa@le-loi.example"]]


def test_the_link_uses_the_portals_address_not_the_requests_host(settings):
    settings.PORTAL_URL = "https://tthc.example.gov.vn"
    UserFactory(email="hoa@le-loi.example")
    Client().post(reverse("account:password_reset"), {"email": "hoa@le-loi.example"}, HTTP_HOST="localhost")
    assert "https://tthc.example.gov.vn/tai-khoan/dat-lai-mat-khau/" in OutgoingEmail.objects.get().body


def test_an_unknown_address_gets_the_same_answer_and_queues_nothing():
    UserFactory(email="hoa@le-loi.example")
    known, unknown = ask_for_reset(Client(), "hoa@le-loi.example"), ask_for_reset(Client(), "ai@khong-co.example")
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert OutgoingEmail.objects.filter(to="ai@khong-co.example").count() == 0
    assert OutgoingEmail.objects.count() == 1


def test_a_deactivated_account_gets_no_email():
    UserFactory(email="hoa@le-loi.example", is_active=False)
    ask_for_reset(Client(), "hoa@le-loi.example")
    assert not OutgoingEmail.objects.exists()


def test_an_account_gets_at_most_three_reset_emails_an_hour(settings):
    UserFactory(username="hoa", email="hoa@le-loi.example")
    answers = {ask_for_reset(Client(), "hoa@le-loi.example").url for _ in range(5)}
    assert answers == {reverse("account:password_reset_done")}  # the same answer every time
    assert (
        OutgoingEmail.objects.filter(to="hoa@le-loi.example").count() == settings.PASSWORD_RESET_EMAILS_PER_ACCOUNT == 3
    )
    withheld = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_RESET_WITHHELD)
    assert (withheld.target_repr, withheld.repeats, withheld.is_alert) == ("hoa", 2, True)


def test_a_reset_email_goes_out_again_an_hour_after_the_last_ones(settings):
    from datetime import timedelta

    from django.utils import timezone

    UserFactory(email="hoa@le-loi.example")
    for _ in range(3):
        ask_for_reset(Client(), "hoa@le-loi.example")
    AuditEvent.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    ask_for_reset(Client(), "hoa@le-loi.example")
    assert OutgoingEmail.objects.count() == 4


def test_one_address_cannot_mail_every_account(settings):
    settings.PASSWORD_RESET_EMAILS_PER_ADDRESS = 4
    for number in range(6):
        UserFactory(email=f"user{number}@le-loi.example")
        ask_for_reset(Client(REMOTE_ADDR="203.0.113.9"), f"user{number}@le-loi.example")
    assert OutgoingEmail.objects.count() == 4
    ask_for_reset(Client(REMOTE_ADDR="198.51.100.7"), "user5@le-loi.example")  # another address still can
    assert OutgoingEmail.objects.filter(to="user5@le-loi.example").count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_RESET_WITHHELD).count() == 2


def test_the_emailed_link_sets_a_new_password():
    user = UserFactory(email="hoa@le-loi.example")
    client = Client()
    ask_for_reset(client, user.email)
    response = set_new_password(client, link_in(OutgoingEmail.objects.get()))
    assert response.status_code == 302 and response.url == reverse("account:password_reset_complete")
    assert can_log_in(user, NEW_PASSWORD) and not can_log_in(user, PASSWORD)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_RESET, actor=user).exists()


def test_setting_the_new_password_ends_every_session_of_the_user():
    user = UserFactory(email="hoa@le-loi.example")
    signed_in_browsers = [browser(user), browser(user)]
    keys = [client.session.session_key for client in signed_in_browsers]
    ask_for_reset(Client(), user.email)
    set_new_password(Client(), link_in(OutgoingEmail.objects.get()))
    assert not Session.objects.filter(session_key__in=keys).exists()  # gone from the store
    assert [signed_in(client) for client in signed_in_browsers] == [False, False]
    assert not UserSession.objects.filter(user=user).exists()


def test_the_emailed_link_works_once():
    user = UserFactory(email="hoa@le-loi.example")
    ask_for_reset(Client(), user.email)
    path = link_in(OutgoingEmail.objects.get())
    set_new_password(Client(), path)
    again = Client().get(path)
    assert again.status_code == 200 and not again.context.get("validlink")
    assert "Liên kết không còn dùng được" in again.content.decode()


def test_the_link_of_a_deactivated_account_does_not_work():
    user = UserFactory(email="hoa@le-loi.example")
    ask_for_reset(Client(), user.email)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = Client().get(link_in(OutgoingEmail.objects.get()))
    assert response.status_code == 200 and "Liên kết không còn dùng được" in response.content.decode()
