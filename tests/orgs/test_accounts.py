"""The user's own account (/tai-khoan/): overview, password change (the other sessions end)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from orgs.models import AuditEvent, Membership, UserSession
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


def test_the_header_links_the_users_name_to_the_account_page():
    user = UserFactory(full_name="Nguyễn Thị Hoa")
    page = browser(user).get(reverse("plans:list")).content.decode()
    assert f'<a href="{reverse("account:overview")}" title="Tài khoản của tôi">Nguyễn Thị Hoa</a>' in page


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
