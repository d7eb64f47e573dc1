"""The administrator's actions on users (Django admin, /quan-tri/): force a password reset, deactivate
an account. Both end every session of the user and are audited."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from orgs.models import AuditEvent, OutgoingEmail, User, UserSession
from tests.factories import UserFactory, post_login

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem"


def browser(user):
    client = Client()
    assert post_login(client, user.username, PASSWORD).status_code == 302
    return client


def signed_in(client):
    return client.get(reverse("plans:list")).status_code == 200


@pytest.fixture
def admin_client(db):
    superuser = UserFactory(username="quan-tri", is_staff=True, is_superuser=True)
    return browser(superuser)


def run_action(client, action, *users):
    response = client.post(
        reverse("admin:orgs_user_changelist"),
        {"action": action, "_selected_action": [user.pk for user in users]},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_actions_are_offered_in_vietnamese(admin_client):
    page = admin_client.get(reverse("admin:orgs_user_changelist")).content.decode()
    assert "Buộc đặt lại mật khẩu (gửi thư đặt lại, kết thúc mọi phiên)" in page
    assert "Khóa tài khoản (kết thúc mọi phiên)" in page


def test_forcing_a_reset_makes_the_password_unusable_and_ends_every_session(admin_client):
    user = UserFactory(email="hoa@le-loi.example")
    elsewhere = browser(user)
    key = elsewhere.session.session_key
    run_action(admin_client, "force_password_reset", user)
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert not Session.objects.filter(session_key=key).exists()  # gone from the store, not only refused
    assert not signed_in(elsewhere)
    assert not UserSession.objects.filter(user=user).exists()
    assert post_login(Client(), user.username, PASSWORD).status_code == 200  # the old password is refused


def test_forcing_a_reset_queues_the_reset_email_whose_link_works(admin_client):
    user = UserFactory(email="hoa@le-loi.example")
    run_action(admin_client, "force_password_reset", user)
    message = OutgoingEmail.objects.get(to="hoa@le-loi.example")
    assert "Quản trị viên" in message.body and "Mật khẩu cũ không còn dùng được" in message.body
    path = message.body.split("http://127.0.0.1:8000", 1)[1].split()[0]
    client = Client()
    form_url = client.get(path).url
    assert client.get(form_url).context["validlink"]


def test_a_user_whose_reset_was_forced_may_ask_for_a_new_link(admin_client):
    user = UserFactory(email="hoa@le-loi.example")
    run_action(admin_client, "force_password_reset", user)
    Client().post(reverse("account:password_reset"), {"email": user.email})
    assert OutgoingEmail.objects.filter(to=user.email).count() == 2


def test_forcing_a_reset_names_the_users_without_an_email_address(admin_client):
    with_email = UserFactory(email="hoa@le-loi.example")
    without = UserFactory(username="khong-co-thu", email="")
    texts = run_action(admin_client, "force_password_reset", with_email, without)
    assert any("Đã buộc đặt lại mật khẩu cho 2 tài khoản" in text for text in texts)
    assert any("chưa gửi được thư đặt lại mật khẩu cho: khong-co-thu" in text for text in texts)
    without.refresh_from_db()
    assert not without.has_usable_password()
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == ["hoa@le-loi.example"]


def test_forcing_a_reset_is_audited(admin_client):
    user = UserFactory(email="hoa@le-loi.example")
    browser(user)
    run_action(admin_client, "force_password_reset", user)
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_RESET_FORCED)
    assert event.actor_username == "quan-tri" and event.target_id == str(user.pk)
    assert event.details == {"sessions_ended": 1, "email_queued": True}
    assert ("đã xếp thư đặt lại mật khẩu", "có") in event.detail_rows  # yes/no in words on the audit page


def test_deactivating_a_user_ends_every_session(admin_client):
    user = UserFactory()
    sessions = [browser(user), browser(user)]
    keys = [client.session.session_key for client in sessions]
    texts = run_action(admin_client, "deactivate", user)
    user.refresh_from_db()
    assert user.is_active is False
    assert not Session.objects.filter(session_key__in=keys).exists()  # gone from the store, not only refused
    assert [signed_in(client) for client in sessions] == [False, False]
    assert not UserSession.objects.filter(user=user).exists()
    assert any(
        f"Đã khóa 1 tài khoản và kết thúc mọi phiên đăng nhập của họ: {user.username}." in text for text in texts
    )


def test_unticking_active_in_the_users_form_ends_every_session_too(admin_client):
    user = UserFactory(username="hoa")
    elsewhere = browser(user)
    key = elsewhere.session.session_key
    data = {  # the user's form as it was, "active" unticked (an unticked box is not sent)
        "username": "hoa",
        "date_joined_0": "01/01/2024",
        "date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:orgs_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.is_active is False
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.USER_DEACTIVATED, target_id=str(user.pk)).exists()


def test_deactivating_is_audited(admin_client):
    user = UserFactory()
    browser(user)
    run_action(admin_client, "deactivate", user)
    event = AuditEvent.objects.get(action=AuditEvent.Action.USER_DEACTIVATED)
    assert event.actor_username == "quan-tri" and event.details == {"sessions_ended": 1}


@pytest.mark.parametrize("action", ["force_password_reset", "deactivate"])
def test_an_administrator_is_not_acted_on_by_their_own_action(admin_client, action):
    admin = User.objects.get(username="quan-tri")
    texts = run_action(admin_client, action, admin)
    admin.refresh_from_db()
    assert admin.is_active and admin.has_usable_password()
    assert signed_in(admin_client)
    assert any("Bỏ qua tài khoản của chính bạn" in text for text in texts)


def test_a_staff_member_without_the_permission_cannot_run_the_actions():
    staff = UserFactory(is_staff=True)
    user = UserFactory()
    response = browser(staff).post(
        reverse("admin:orgs_user_changelist"), {"action": "deactivate", "_selected_action": [user.pk]}
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.is_active
