"""The audit trail: record(), logins, refused accesses, the client's address behind proxies."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from orgs.audit import client_ip, record, record_refused
from orgs.models import AuditEvent, Membership
from plans.workflow import services as workflow
from tests.factories import make_plan, member, post_login

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action
PASSWORD = "mat-khau-thu-nghiem"


def _request(ip="10.1.2.3", **meta):
    return RequestFactory().post("/ke-hoach/1/gui/?x=1", REMOTE_ADDR=ip, **meta)


# --- record() --------------------------------------------------------------------------------------


def test_record_writes_who_what_when_and_from_where(tree):
    editor = member(tree.commune, Membership.Role.EDITOR, username="an-thu-editor")
    request = _request(HTTP_USER_AGENT="Firefox/" + "x" * 500)

    event = record(actor=editor, action="plan.submitted", target=tree.plan, request=request, comment="Xin gửi")

    event.refresh_from_db()
    assert (event.actor, event.actor_username, event.action) == (editor, "an-thu-editor", "plan.submitted")
    assert (event.target_type, event.target_id) == ("plans.plan", str(tree.plan.pk))
    assert event.target_repr == str(tree.plan)
    assert event.unit == tree.commune  # filed under the plan's unit
    assert event.ip_address == "10.1.2.3"
    assert event.user_agent.startswith("Firefox/") and len(event.user_agent) == 300
    assert event.path == "/ke-hoach/1/gui/?x=1"
    assert event.details == {"comment": "Xin gửi"}
    assert event.created_at is not None
    assert event.action_label == "Gửi thẩm định kế hoạch"


def test_record_keeps_any_details_as_text_json_can_hold(tree):
    event = record(
        actor=None, action="plan.import", target=tree.plan, when=date(2024, 1, 23), value=Decimal("90.5"), rows=3
    )
    event.refresh_from_db()
    assert event.details == {"when": "2024-01-23", "value": "90.5", "rows": 3}


def test_an_unknown_action_is_kept_and_shown_as_its_code(tree):
    event = record(actor=None, action="plan.something_new", target=tree.plan)
    assert event.action_label == "plan.something_new"


def test_the_username_survives_the_deleted_account(tree):
    user = member(tree.commune, Membership.Role.EDITOR, username="se-bi-xoa")
    event = record(actor=user, action="plan.submitted", target=tree.plan)
    user.delete()
    event.refresh_from_db()
    assert event.actor is None and event.actor_username == "se-bi-xoa"


def test_without_a_target_the_line_is_filed_under_the_actor_s_unit(tree):
    reviewer = member(tree.district, Membership.Role.REVIEWER)
    assert record(actor=reviewer, action="plan.copy").unit == tree.district


def test_the_request_s_user_is_the_actor_when_none_is_given(tree):
    editor = member(tree.commune, Membership.Role.EDITOR)
    request = _request()
    request.user = editor
    assert record(actor=None, action="plan.copy", request=request).actor == editor


def test_a_workflow_step_writes_its_audit_line(tree):
    editor = member(tree.commune, Membership.Role.EDITOR)
    workflow.submit_plan(plan=tree.plan, user=editor, request=_request())
    event = AuditEvent.objects.get(action="plan.submitted")
    assert (event.actor, event.unit, event.target_id) == (editor, tree.commune, str(tree.plan.pk))
    assert event.details["from_status"] == "draft" and event.details["to_status"] == "submitted"


# --- logins ------------------------------------------------------------------------------------------


def _login(client, username, password, ip="10.9.8.7"):
    return post_login(client, username, password, REMOTE_ADDR=ip, HTTP_USER_AGENT="Chromium")


def test_a_successful_login_is_recorded(client, tree):
    user = member(tree.commune, Membership.Role.EDITOR, username="an-thu-editor")
    _login(client, "an-thu-editor", PASSWORD)
    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert (event.actor, event.actor_username, event.ip_address, event.user_agent) == (
        user,
        "an-thu-editor",
        "10.9.8.7",
        "Chromium",
    )
    assert event.unit == tree.commune


def test_a_failed_login_is_recorded_with_the_name_tried_and_never_the_password(client, tree):
    user = member(tree.commune, Membership.Role.EDITOR, username="an-thu-editor")
    _login(client, "an-thu-editor", "doan-mo-123")
    _login(client, "khong-ton-tai", "doan-mo-456")
    known, unknown = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).order_by("pk")
    assert (known.actor, known.actor_username, known.target_id, known.unit) == (
        None,
        "an-thu-editor",
        str(user.pk),
        tree.commune,
    )
    assert (unknown.actor_username, unknown.target_id, unknown.unit) == ("khong-ton-tai", "", None)
    assert not AuditEvent.objects.filter(details__icontains="doan-mo").exists()
    assert not AuditEvent.objects.filter(path__icontains="doan-mo").exists()


def test_the_failure_that_locks_and_the_attempts_during_the_lock_are_recorded_as_locked_out(client, tree):
    member(tree.commune, Membership.Role.EDITOR, username="an-thu-editor")
    for _ in range(5):
        _login(client, "an-thu-editor", "sai")
    assert _login(client, "an-thu-editor", PASSWORD).status_code == 429
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [Action.LOGIN_FAILED] * 4 + [Action.LOCKED_OUT] * 2


def test_logout_is_recorded(client, tree):
    user = member(tree.commune, Membership.Role.EDITOR)
    client.force_login(user)
    client.post(reverse("logout"))
    assert AuditEvent.objects.get(action=Action.LOGOUT).actor == user


# --- refused accesses --------------------------------------------------------------------------------


def test_a_403_is_recorded_as_a_refused_access(client, tree):
    editor = member(tree.commune, Membership.Role.EDITOR)
    client.force_login(editor)
    response = client.get(reverse("dashboard"), REMOTE_ADDR="10.0.0.9")  # reviewers only
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert (event.actor, event.path, event.ip_address, event.unit) == (
        editor,
        reverse("dashboard"),
        "10.0.0.9",
        tree.commune,
    )
    assert event.details == {"status": 403, "method": "GET", "kind": "dashboard"}


def test_record_refused_files_the_hidden_target_under_its_unit(tree):
    outsider = member(tree.neighbour, Membership.Role.EDITOR)
    request = _request()
    request.user = outsider
    event = record_refused(request, tree.plan)
    assert (event.action, event.actor, event.unit, event.target_id) == (
        Action.ACCESS_HIDDEN,
        outsider,
        tree.commune,
        str(tree.plan.pk),
    )
    assert event.details["status"] == 404


def _probe(client, plans, ip="10.0.0.7"):
    for plan in plans:
        assert client.get(reverse("plans:detail", args=[plan.pk]), REMOTE_ADDR=ip).status_code == 404


def test_repeated_hidden_plan_404s_within_a_minute_are_one_line_counting_them(client, tree):
    client.force_login(member(tree.neighbour, Membership.Role.EDITOR))
    AuditEvent.objects.all().delete()
    hidden = [make_plan(tree.commune, year=year) for year in range(2030, 2040)]
    _probe(client, hidden * 5)
    event = AuditEvent.objects.get(action=Action.ACCESS_HIDDEN)
    assert event.repeats == 50
    assert (event.target_id, event.details["kind"]) == (str(hidden[0].pk), "plans:detail")


def test_refusals_are_counted_apart_per_address_kind_of_page_and_minute(client, tree):
    client.force_login(member(tree.neighbour, Membership.Role.EDITOR))
    AuditEvent.objects.all().delete()
    _probe(client, [tree.plan] * 3, ip="10.0.0.7")
    _probe(client, [tree.plan] * 2, ip="10.0.0.8")  # another address
    assert client.get(reverse("plans:history", args=[tree.plan.pk]), REMOTE_ADDR="10.0.0.7").status_code == 404
    AuditEvent.objects.filter(ip_address="10.0.0.8").update(created_at=timezone.now() - timedelta(minutes=1))
    _probe(client, [tree.plan], ip="10.0.0.8")  # a new minute
    lines = AuditEvent.objects.filter(action=Action.ACCESS_HIDDEN)
    assert sorted((line.ip_address, line.details["kind"], line.repeats) for line in lines) == [
        ("10.0.0.7", "plans:detail", 3),
        ("10.0.0.7", "plans:history", 1),
        ("10.0.0.8", "plans:detail", 1),  # the new minute
        ("10.0.0.8", "plans:detail", 2),
    ]


def test_the_audit_log_shows_how_many_times_a_refusal_repeated(client, tree):
    client.force_login(member(tree.neighbour, Membership.Role.EDITOR))
    _probe(client, [tree.plan] * 4)
    admin = member(tree.commune, Membership.Role.ADMIN)
    client.force_login(admin)
    assert "× 4 lần" in client.get(reverse("orgs:audit_log")).content.decode()


def test_an_ordinary_page_leaves_no_line(client, tree):
    client.force_login(member(tree.commune, Membership.Role.EDITOR))
    AuditEvent.objects.all().delete()
    assert client.get(reverse("plans:list")).status_code == 200
    assert not AuditEvent.objects.exists()


# --- the client's address ------------------------------------------------------------------------------


def test_without_proxies_the_address_is_the_connection_s_and_forwarded_headers_are_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")) == "10.0.0.1"


def test_behind_one_proxy_the_address_is_the_last_forwarded_one(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_address_is_the_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.3")) == "203.0.113.7"


@pytest.mark.parametrize("header", ["", "không-phải-ip", "6.6.6.6, rác"])
def test_a_missing_or_garbled_forwarded_header_falls_back_to_the_connection(settings, header):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("127.0.0.1", HTTP_X_FORWARDED_FOR=header)) == "127.0.0.1"


def test_ipv6_addresses_are_kept(tree):
    event = record(actor=None, action="plan.copy", request=_request("2001:db8::1"))
    event.refresh_from_db()
    assert event.ip_address == "2001:db8::1"


def test_an_import_and_a_copy_are_audited(seed):
    from orgs.models import AuditEvent, User
    from plans.copying.services import create_copy
    from plans.files.importing import ParsedTable, import_parsed
    from plans.models import Plan
    from plans.serializing import table_to_data

    editor = User.objects.get(username="le-loi-editor")
    plan = Plan.objects.get(unit__slug="le-loi", year=2024)
    import_parsed(
        plan=plan, parsed=ParsedTable(filename="ke-hoach.xlsx", kind="xlsx", sections=table_to_data(plan)), user=editor
    )
    create_copy(source_plan=plan, year=2025, user=editor)
    assert list(
        AuditEvent.objects.filter(action__in=["plan.import", "plan.copy"])
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["plan.import", "plan.copy"]
