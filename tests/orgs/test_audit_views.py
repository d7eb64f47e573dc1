"""The audit log page (/nhat-ky/) and its read-only Django admin."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from orgs.audit import record
from orgs.models import AuditEvent, Membership
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db
URL = reverse("orgs:audit_log")


def line(action, unit, *, username="ai-do", days_ago=0, **details):
    event = record(actor=None, action=action, unit=unit, **details)
    AuditEvent.objects.filter(pk=event.pk).update(
        actor_username=username, created_at=timezone.now() - timedelta(days=days_ago)
    )
    return event


def shown(response):
    return [event.pk for event in response.context["page"].object_list]


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [Membership.Role.EDITOR, Membership.Role.SIGNER, Membership.Role.REVIEWER])
def test_only_administrators_may_read_the_log(client, tree, role):
    client.force_login(member(tree.district, role))
    assert client.get(URL).status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED, path=URL).exists()


def test_a_unit_administrator_reads_its_subtree_only(client, tree):
    mine = [line("plan.submitted", tree.district), line("plan.submitted", tree.commune)]
    line("plan.submitted", tree.other_district)
    line("plan.submitted", tree.province)
    line("auth.login_failed", None, username="khong-ai")
    admin = member(tree.district, Membership.Role.ADMIN)
    client.force_login(admin)
    AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).delete()  # force_login's own line
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(shown(response)) == sorted(event.pk for event in mine)


def test_a_superuser_reads_everything_newest_first(client, tree):
    old = line("plan.submitted", tree.other_district, days_ago=3)
    unfiled = line("auth.login_failed", None, username="khong-ai", days_ago=1)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    pks = shown(client.get(URL))
    assert pks.index(unfiled.pk) < pks.index(old.pk)
    assert pks[-1] == old.pk


def test_the_page_shows_who_what_when_and_from_where(client, tree):
    user = member(tree.commune, Membership.Role.EDITOR, username="an-thu-editor", full_name="Nguyễn Văn Soạn")
    request = RequestFactory().post("/ke-hoach/7/tra-lai/", REMOTE_ADDR="203.0.113.20")
    record(actor=user, action="plan.returned", unit=tree.commune, request=request, comment="Sửa mục II")
    record(actor=user, action="plan.submitted", unit=tree.commune, from_status="draft", to_status="submitted")
    client.force_login(UserFactory(is_superuser=True))
    html = client.get(URL).content.decode()
    for text in (
        "an-thu-editor",
        "Nguyễn Văn Soạn",
        "Trả lại kế hoạch",
        "Sửa mục II",
        "Xã An Thử",
        "203.0.113.20",
        "/ke-hoach/7/tra-lai/",
        "từ trạng thái",
        "Dự thảo",
        "Đã gửi thẩm định",
    ):
        assert text in html


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"action": "plan.returned"}, ["returned"]),
        ({"action": "auth.*"}, ["failed", "login"]),
        ({"user": "BINH"}, ["returned"]),
        ({"unit": "district"}, ["returned", "login"]),
        ({"date_from": 4, "date_to": 2}, ["login"]),
        ({"q": "mục iii"}, ["returned"]),
        ({"q": "203.0.113"}, ["failed"]),
    ],
)
def test_filters(client, tree, params, expected):
    events = {
        "returned": line("plan.returned", tree.commune, username="binh-reviewer", comment="Sửa mục III"),
        "login": line("auth.login", tree.district, username="an", days_ago=3),
        "failed": line("auth.login_failed", tree.other_district, username="ai-do", days_ago=10),
    }
    AuditEvent.objects.filter(pk=events["failed"].pk).update(ip_address="203.0.113.9")
    today = timezone.localdate()
    query = {}
    for key, value in params.items():
        if key == "unit":
            value = getattr(tree, value).pk
        elif key.startswith("date_"):
            value = (today - timedelta(days=value)).isoformat()
        query[key] = value
    client.force_login(UserFactory(is_superuser=True))
    AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exclude(pk=events["login"].pk).delete()
    response = client.get(URL, query)
    assert response.status_code == 200
    assert sorted(shown(response)) == sorted(events[name].pk for name in expected)


def test_a_reversed_date_range_is_an_error_not_a_silent_empty_list(client, tree):
    line("plan.submitted", tree.commune)
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(URL, {"date_from": "2024-05-02", "date_to": "2024-05-01"})
    assert "“Đến ngày” phải sau “Từ ngày”." in response.content.decode()
    assert shown(response) == []


def test_the_list_is_paginated_and_keeps_its_filters(client, tree):
    for _ in range(55):
        line("plan.submitted", tree.commune)
    client.force_login(UserFactory(is_superuser=True))
    first = client.get(URL, {"action": "plan.submitted"})
    assert len(shown(first)) == 50
    assert "action=plan.submitted&amp;trang=2" in first.content.decode()
    second = client.get(URL, {"action": "plan.submitted", "trang": 2})
    assert len(shown(second)) == 5


def test_the_page_s_query_count_does_not_grow_with_its_lines(client, tree, django_assert_max_num_queries):
    for _ in range(50):
        line("plan.submitted", tree.commune)
    client.force_login(UserFactory(is_superuser=True))
    with django_assert_max_num_queries(12):
        client.get(URL)


# --- the Django admin ------------------------------------------------------------------------------


def test_the_admin_lists_lines_read_only(client, tree):
    event = line("plan.submitted", tree.commune)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    changelist = reverse("admin:orgs_auditevent_changelist")
    response = client.get(changelist, {"action": "plan.submitted"})
    assert response.status_code == 200
    assert [line.pk for line in response.context["cl"].result_list] == [event.pk]
    assert client.get(reverse("admin:orgs_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:orgs_auditevent_change", args=[event.pk])).status_code == 200
    assert client.post(reverse("admin:orgs_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_unit_administrator_sees_its_subtree_in_the_admin(client, tree):
    mine = line("plan.submitted", tree.commune)
    theirs = line("plan.submitted", tree.other_district)
    admin = member(tree.district, Membership.Role.ADMIN, is_staff=True)
    client.force_login(admin)
    response = client.get(reverse("admin:orgs_auditevent_changelist"))
    assert response.status_code == 200
    listed = {event.pk for event in response.context["cl"].result_list}
    assert mine.pk in listed and theirs.pk not in listed
    assert (
        client.get(reverse("admin:orgs_auditevent_change", args=[theirs.pk])).status_code == 302
    )  # not found: back to the list
