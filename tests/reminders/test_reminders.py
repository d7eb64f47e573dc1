"""The daily reminders: each kind on the seed plans (or a small tree) for a fixed day, only once a day
per user, the e-mail retried after a failure and never sent twice, and `send_reminders`."""

import io
import json
import threading
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from orgs.models import User
from plans.models import Notification, Plan, PlanTransition
from reminders import services
from reminders.models import Digest
from reminders.rules import current_period, digests
from tasks.models import Task, TaskProgress
from tests.factories import build_tree

pytestmark = pytest.mark.django_db

DAY = date(2024, 6, 24)  # a Monday; rows due by 30/06/2024 are within 7 days


def items_of(username, today=DAY):
    for user, items in digests(today).items():
        if user.username == username:
            return items
    return []


def test_rows_due_within_the_next_days_are_reminded_to_the_editors(seed):
    due = [item for item in items_of("le-loi-editor") if item.kind == "due_soon"]
    assert due and all(DAY <= item.due <= date(2024, 7, 1) for item in due)
    assert all(item.days == (item.due - DAY).days for item in due)


def test_overdue_rows_without_a_result_are_reminded_and_a_done_row_is_not(seed):
    overdue = [item for item in items_of("ha-tan-editor") if item.kind == "overdue"]
    assert overdue and all(item.due < DAY for item in overdue)
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    first = overdue[0]
    row = next(task for task in Task.objects.filter(section__plan=plan) if task.deadline_text == first.deadline)
    TaskProgress.objects.create(task=row, period=current_period(DAY), status=TaskProgress.Status.DONE)
    still = [(item.row, item.deadline) for item in items_of("ha-tan-editor") if item.kind == "overdue"]
    assert (first.row, first.deadline) not in still


def test_the_reports_cut_off_within_the_next_days_is_reminded_until_it_is_sent(seed):
    Plan.objects.filter(unit__slug="ha-tan", year=2024).update(status=Plan.Status.ISSUED)
    day = date(2024, 9, 9)  # 9 months: the cut-off is 14/09
    reports = [item for item in items_of("ha-tan-editor", day) if item.kind == "report_due"]
    assert [(item.due, item.days) for item in reports] == [(date(2024, 9, 14), 5)]


def test_a_plan_returned_long_ago_is_reminded_to_its_editors():
    tree = build_tree()
    Plan.objects.filter(pk=tree.plan.pk).update(status=Plan.Status.RETURNED)
    transition = PlanTransition.objects.create(
        plan=tree.plan, from_status="submitted", to_status="returned", user=tree.district_reviewer, plan_version=1
    )
    PlanTransition.objects.filter(pk=transition.pk).update(created_at=timezone.make_aware(datetime(2024, 6, 10, 9)))
    kinds = [item.kind for item in items_of(tree.editor.username)]
    assert "returned_waiting" in kinds  # 10/6 → 24/6: 10 working days
    assert "returned_waiting" not in [item.kind for item in items_of(tree.editor.username, date(2024, 6, 14))]


def test_reviewers_are_reminded_of_plans_waiting_and_of_communes_without_a_plan():
    tree = build_tree()
    Plan.objects.filter(pk=tree.plan.pk).update(
        status=Plan.Status.SUBMITTED, submitted_at=timezone.make_aware(datetime(2024, 6, 3, 9))
    )
    items = items_of(tree.district_reviewer.username)
    waiting = [item for item in items if item.kind == "review_waiting"]
    assert [item.days for item in waiting] == [15]  # 3/6 → 24/6 in working days
    assert [item.plan for item in items if item.kind == "no_plan"] == ["Xã Bên Cạnh"]


def test_signers_are_reminded_of_approved_plans_not_issued():
    tree = build_tree()
    Plan.objects.filter(pk=tree.plan.pk).update(status=Plan.Status.APPROVED)
    transition = PlanTransition.objects.create(
        plan=tree.plan, from_status="submitted", to_status="approved", user=tree.district_reviewer, plan_version=1
    )
    PlanTransition.objects.filter(pk=transition.pk).update(created_at=timezone.make_aware(datetime(2024, 6, 3, 9)))
    assert [item.kind for item in items_of(tree.signer.username) if item.kind == "to_issue"] == ["to_issue"]


def test_nothing_for_a_user_who_left():
    tree = build_tree()
    Plan.objects.filter(pk=tree.plan.pk).update(status=Plan.Status.APPROVED)
    transition = PlanTransition.objects.create(
        plan=tree.plan, from_status="submitted", to_status="approved", user=tree.district_reviewer, plan_version=1
    )
    PlanTransition.objects.filter(pk=transition.pk).update(created_at=timezone.make_aware(datetime(2024, 6, 3, 9)))
    User.objects.filter(pk=tree.signer.pk).update(is_active=False)
    assert items_of(tree.signer.username) == []


# --- sending ------------------------------------------------------------------------------------------


def test_two_runs_send_one_digest_per_user(seed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.run(DAY)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.run(DAY)
    assert first and all(sent for _, _, sent in first) and not any(sent for _, _, sent in second)
    assert Digest.objects.count() == len(first)
    assert Notification.objects.filter(verb=Notification.Verb.REMINDER).count() == len(first)


def test_the_dry_run_writes_nothing_and_the_json_has_the_items(seed):
    out = io.StringIO()
    call_command("send_reminders", today="2024-06-24", dry_run=True, json=True, stdout=out)
    data = json.loads(out.getvalue())
    editor = next(entry for entry in data["digests"] if entry["user"] == "le-loi-editor")
    item = next(item for item in editor["items"] if item["kind"] == "due_soon")
    assert set(item) == {"kind", "plan", "row", "deadline", "due", "days"}
    assert item["due"] <= "2024-07-01" and isinstance(item["days"], int)
    assert Digest.objects.count() == 0 and not Notification.objects.filter(verb="reminder").exists()


def test_the_digest_opens_from_the_inbox_with_links(seed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.run(DAY)
    user = User.objects.get(username="le-loi-editor")
    note = Notification.objects.get(recipient=user, verb=Notification.Verb.REMINDER)
    client = Client()
    client.force_login(user)
    page = client.get(f"/ke-hoach/hop-thu/{note.pk}/", follow=True).content.decode()
    assert "Nhắc việc ngày 24/06/2024" in page and "Nội dung sắp đến hạn" in page and "/tien-do/" in page


class FlakySMTP:
    """An e-mail backend that fails its first send (as an SMTP server refusing for a moment)."""

    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        FlakySMTP.calls += 1
        if FlakySMTP.calls == 1:
            raise OSError("SMTP tạm thời không nhận")
        mail.outbox.extend(messages)
        return len(messages)


def test_a_failed_email_is_recorded_retried_and_sent_once(seed, settings):
    from orgs.mail import deliver
    from orgs.models import OutgoingEmail

    settings.EMAIL_BACKEND = "tests.reminders.test_reminders.FlakySMTP"
    FlakySMTP.calls = 0
    mail.outbox = []
    User.objects.filter(username="le-loi-editor").update(email="editor@le-loi.example")
    services.run(DAY)  # on_commit never runs here: the task is called below as the worker would
    message = Digest.objects.get(user__username="le-loi-editor").email_message
    with pytest.raises(OSError):
        deliver(message.pk)
    message.refresh_from_db()
    assert message.state == OutgoingEmail.State.FAILED and "SMTP" in message.error
    deliver(message.pk)
    deliver(message.pk)  # a duplicate message of the task: nothing more
    message.refresh_from_db()
    assert message.state == OutgoingEmail.State.SENT and message.attempts == 2
    assert len(mail.outbox) == 1 and "Nhắc việc ngày 24/06/2024" in mail.outbox[0].subject


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_runs_send_one_digest():
    tree = build_tree()
    Plan.objects.filter(pk=tree.plan.pk).update(status=Plan.Status.APPROVED)
    transition = PlanTransition.objects.create(
        plan=tree.plan, from_status="submitted", to_status="approved", user=tree.district_reviewer, plan_version=1
    )
    PlanTransition.objects.filter(pk=transition.pk).update(created_at=timezone.now() - timedelta(days=30))
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(services.run(timezone.localdate()))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = [user.username for result in results for user, _, was_sent in result if was_sent]
    found = [user.username for user, _, _ in results[0]]
    assert found and sorted(sent) == sorted(found)  # each user's digest sent by one of the two runs only
    assert Digest.objects.count() == len(found)


# --- the calendar feed ---------------------------------------------------------------------------------


def _feed_url(client):
    page = client.post("/nhac-viec/lich/").content.decode()
    return page.split('readonly value="')[1].split('"')[0]


def test_the_feed_is_read_without_logging_in_and_parses_back_to_events(seed):
    from icalendar import Calendar

    Plan.objects.filter(unit__slug="le-loi").update(year=timezone.localdate().year, status=Plan.Status.ISSUED)
    user = User.objects.get(username="le-loi-editor")
    client = Client()
    client.force_login(user)
    url = _feed_url(client)
    response = Client().get(url.split("testserver")[1])  # a phone calendar: no session
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    summaries = [str(event["SUMMARY"]) for event in events]
    assert any(summary.startswith("Hạn: ") for summary in summaries)
    assert any(summary.startswith("Chốt số liệu báo cáo 9 tháng đầu năm") for summary in summaries)
    assert all(event.walk("VALARM") for event in events)
    assert all("Lê Lợi" in str(event["DESCRIPTION"]) for event in events)  # nothing but the user's units


def test_a_renewed_feed_refuses_the_old_url(seed):
    client = Client()
    client.force_login(User.objects.get(username="le-loi-editor"))
    old = _feed_url(client).split("testserver")[1]
    new = _feed_url(client).split("testserver")[1]
    assert Client().get(old).status_code == 404 and Client().get(new).status_code == 200


# --- each user's settings -----------------------------------------------------------------------------


def test_a_user_s_own_days_ahead_narrows_the_rows_due_soon(seed):
    from reminders.models import Preference

    user = User.objects.get(username="le-loi-editor")
    Preference.objects.create(user=user, days_ahead=3)
    result = {u.username: items for u, items, _ in services.run(DAY, dry_run=True)}
    assert not [item for item in result["le-loi-editor"] if item["kind"] == "due_soon"]  # due in 6 days


def test_a_unit_default_turns_the_email_off_for_its_staff(seed, django_capture_on_commit_callbacks):
    from orgs.models import Unit
    from reminders.models import UnitDefault

    UnitDefault.objects.create(unit=Unit.objects.get(slug="le-loi"), email=False, days_ahead=7, hour=7)
    User.objects.filter(username="le-loi-editor").update(email="editor@le-loi.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.run(DAY)
    assert Digest.objects.get(user__username="le-loi-editor").email_message is None


def test_the_hourly_job_waits_for_each_user_s_hour(seed):
    from reminders.models import Preference

    Preference.objects.create(user=User.objects.get(username="le-loi-editor"), hour=9)
    early = {user.username for user, _, _ in services.run(DAY, dry_run=True, hour=8)}
    later = {user.username for user, _, _ in services.run(DAY, dry_run=True, hour=9)}
    assert "le-loi-editor" not in early and "le-loi-editor" in later
    assert "ha-tan-editor" in early  # the site's hour, 7


def test_the_settings_page_saves_the_user_s_choices(seed):
    from reminders.models import Preference

    user = User.objects.get(username="le-loi-editor")
    client = Client()
    client.force_login(user)
    response = client.post("/nhac-viec/cai-dat/", {"personal": "1", "email": "0", "days_ahead": "3", "hour": "8"})
    assert response.status_code == 302
    assert Preference.objects.filter(user=user, email=False, days_ahead=3, hour=8).exists()


def test_a_report_sent_to_a_reviewer_and_not_opened_is_reminded(seed):
    plan = Plan.objects.get(unit__slug="le-loi", year=2024)
    reviewer = User.objects.get(username="gia-loc-reviewer")
    note = Notification.objects.create(
        recipient=reviewer, plan=plan, verb=Notification.Verb.REPORT_SENT, text="Xã Lê Lợi đã ký số và gửi Báo cáo"
    )
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.make_aware(datetime(2024, 6, 10, 9)))
    assert [item.days for item in items_of("gia-loc-reviewer") if item.kind == "report_waiting"] == [10]
    Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    assert not [item for item in items_of("gia-loc-reviewer") if item.kind == "report_waiting"]
