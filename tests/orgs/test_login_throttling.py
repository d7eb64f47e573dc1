"""Login throttling (django-axes + orgs.throttling): 5 failures lock one username from one address, 30 from one
address lock every username from it (password spraying); both for 15 minutes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import UserFactory, post_login

PASSWORD = "mat-khau-thu-nghiem"
OFFICE, ATTACKER = "10.0.0.5", "203.0.113.66"


def login(client, username, password, ip):
    return post_login(client, username, password, REMOTE_ADDR=ip)


def logged_in(response):
    return response.status_code == 302 and response.url == reverse("plans:list")


def fail(client, username, ip, times):
    for _ in range(times):
        response = login(client, username, "sai-mat-khau", ip)
        assert response.status_code in (200, 429)
    return response


def age_attempts(minutes):
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


@pytest.fixture
def clerk(db):
    return UserFactory(username="le-loi-clerk")


@pytest.mark.django_db
def test_settings_lock_username_and_address_together_with_a_cool_off(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AUTHENTICATION_BACKENDS[0].startswith("axes.backends.")


def test_four_failures_do_not_lock(client, clerk):
    fail(client, clerk.username, ATTACKER, 4)
    assert logged_in(login(client, clerk.username, PASSWORD, ATTACKER))


def test_five_failures_lock_that_username_from_that_address(client, clerk):
    fail(client, clerk.username, ATTACKER, 5)
    response = login(client, clerk.username, PASSWORD, ATTACKER)  # even the right password
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_same_username_from_another_address_still_logs_in(client, clerk):
    fail(client, clerk.username, ATTACKER, 6)
    assert logged_in(login(client, clerk.username, PASSWORD, OFFICE))


def test_another_username_from_the_same_address_still_logs_in(client, clerk):
    colleague = UserFactory(username="le-loi-signer")
    fail(client, clerk.username, OFFICE, 6)
    assert logged_in(login(client, colleague.username, PASSWORD, OFFICE))


def test_the_lock_lifts_after_the_cool_off(client, clerk):
    fail(client, clerk.username, ATTACKER, 5)
    assert login(client, clerk.username, PASSWORD, ATTACKER).status_code == 429
    age_attempts(16)
    assert logged_in(login(client, clerk.username, PASSWORD, ATTACKER))


def test_hammering_a_locked_pair_does_not_prolong_the_lock(client, clerk):
    """An attacker who keeps trying cannot keep the lock on: it lifts 15 minutes after it began."""
    fail(client, clerk.username, ATTACKER, 5)
    age_attempts(10)
    fail(client, clerk.username, ATTACKER, 20)  # while locked
    age_attempts(6)
    assert logged_in(login(client, clerk.username, PASSWORD, ATTACKER))


def test_a_correct_login_resets_the_count(client, clerk):
    fail(client, clerk.username, OFFICE, 4)
    assert logged_in(login(client, clerk.username, PASSWORD, OFFICE))
    client.post(reverse("logout"))
    fail(client, clerk.username, OFFICE, 4)
    assert logged_in(login(client, clerk.username, PASSWORD, OFFICE))


def test_behind_a_proxy_the_lock_follows_the_forwarded_address(client, clerk, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": clerk.username, "password": "sai"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}",
        )
    locked = client.post(
        reverse("login"),
        {"username": clerk.username, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=f"9.9.9.9, {ATTACKER}",  # a forged left part changes nothing
    )
    assert locked.status_code == 429
    office = client.post(
        reverse("login"),
        {"username": clerk.username, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=OFFICE,
    )
    assert logged_in(office)
    assert AccessAttempt.objects.get().ip_address == ATTACKER


def test_the_lockout_page_states_the_configured_cool_off(client, clerk, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    fail(client, clerk.username, ATTACKER, 5)
    assert "Vui lòng thử lại sau 30 phút." in login(client, clerk.username, PASSWORD, ATTACKER).content.decode()


# --- per address, across usernames (password spraying) ---------------------------------------------


def test_many_usernames_from_one_address_lock_that_address_for_every_username(client, clerk, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    for n in range(6):  # 2 failures each: no (username, address) pair reaches its limit of 5
        fail(client, f"nguoi-dung-{n}", ATTACKER, 2)
    response = login(client, clerk.username, PASSWORD, ATTACKER)  # a real account, right password
    assert response.status_code == 429
    assert "địa chỉ mạng của bạn đã nhập sai mật khẩu quá nhiều lần" in response.content.decode()


def test_the_address_limit_is_higher_than_the_pair_limit(settings):
    assert settings.AXES_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT


def test_an_address_lock_leaves_other_addresses_alone(client, clerk, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    for n in range(6):
        fail(client, f"nguoi-dung-{n}", ATTACKER, 2)
    assert logged_in(login(client, clerk.username, PASSWORD, OFFICE))


def test_an_address_lock_lifts_after_the_cool_off(client, clerk, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    for n in range(6):
        fail(client, f"nguoi-dung-{n}", ATTACKER, 2)
    age_attempts(16)
    assert logged_in(login(client, clerk.username, PASSWORD, ATTACKER))


def test_below_the_address_limit_other_usernames_still_log_in(client, clerk, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    for n in range(5):
        fail(client, f"nguoi-dung-{n}", ATTACKER, 2)  # 10 failures
    assert logged_in(login(client, clerk.username, PASSWORD, ATTACKER))
