"""What each user is reminded of on a day (the daily digest), as plain Items — computed, never stored
until a digest is sent (reminders.services).

- Editors of a unit: rows of its plan due within N days (not yet done), rows overdue with no result at
  the current period, the current period's report when its cut-off is within N days and it is not
  sent, a returned plan not resubmitted after M working days.
- Reviewers: plans submitted to them (units below theirs) waiting more than M working days; the
  báo cáo sent to them that they have not opened after M working days; communes below them with no
  plan N days into the year.
- Signers: approved plans not yet issued after M working days.

The plans considered are this year's, and last year's until its annual report is sent; nothing for an
ended unit or an inactive user. N (REMINDER_DAYS_AHEAD, 7) and M (REMINDER_WAITING_DAYS, 5) are
settings; working days come from periods.workdays.
"""

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from orgs.models import COMMUNE_LEVEL_KINDS, Membership, Unit
from periods.models import ReportingPeriod
from periods.workdays import WorkingCalendar
from plans.cascade.coverage import row_key
from plans.models import Notification, Plan, PlanTransition
from reports.models import SignedReport
from tasks.models import Task, TaskProgress

KINDS = {
    "due_soon": "Nội dung sắp đến hạn",
    "overdue": "Nội dung quá hạn chưa có kết quả",
    "report_due": "Báo cáo sắp đến hạn gửi",
    "returned_waiting": "Kế hoạch bị trả lại chưa gửi lại",
    "review_waiting": "Kế hoạch chờ thẩm định",
    "report_waiting": "Báo cáo đã gửi đến, chưa mở xem",
    "no_plan": "Xã chưa có kế hoạch năm",
    "to_issue": "Kế hoạch đã phê duyệt chưa ban hành",
}
DONE_STATUSES = {TaskProgress.Status.DONE, TaskProgress.Status.NOT_ARISEN}


@dataclass(frozen=True)
class Item:
    kind: str
    plan: str  # "Kế hoạch năm 2024 – Xã Hà Tân", or the commune for no_plan
    url: str
    row: str | None = None  # the row's number as printed ("II.3")
    deadline: str | None = None  # the deadline as written
    due: date | None = None
    days: int = 0  # days until due (due_soon, report_due), days late, or working days waiting

    @property
    def label(self):
        return KINDS[self.kind]

    def as_json(self):
        data = asdict(self)
        data.pop("url")
        data["due"] = self.due.isoformat() if self.due else None
        return data


def current_period(today):
    """The period whose cut-off is the next one on or after `today` (this year's) — the cumulative one
    (6 months, 9 months, the year) where a quarter ends the same day — for the reports and the rows'
    results."""
    periods = sorted(
        ReportingPeriod.objects.all(), key=lambda period: (period.cutoff(today.year), not period.is_cumulative)
    )
    return next((period for period in periods if period.cutoff(today.year) >= today), periods[-1] if periods else None)


def _active_plans(today):
    """The latest plan of each live unit for this year, and for last year while its annual report is
    not sent."""
    year_end = ReportingPeriod.objects.by_code("Y")
    live = Q(unit__valid_until__isnull=True) | Q(unit__valid_until__gt=today)
    candidates = (
        Plan.objects.filter(live, year__in=[today.year, today.year - 1])
        .select_related("unit")
        .order_by("unit_id", "year", "-revision")
    )
    latest = {}
    for plan in candidates:
        latest.setdefault((plan.unit_id, plan.year), plan)
    last_year = [plan for (_, year), plan in latest.items() if year == today.year - 1]
    sent = set(
        SignedReport.objects.filter(
            report__plan__in=last_year, report__period=year_end, state="done", document__isnull=False
        ).values_list("report__plan_id", flat=True)
    )
    return [plan for plan in latest.values() if plan.year == today.year or plan.pk not in sent]


def plan_label(plan):
    return f"Kế hoạch năm {plan.year} – {plan.unit}"


def _row_items(plans, today, period, ahead):
    items = {}  # plan id → [Item]
    if not plans:
        return items
    by_id = {plan.pk: plan for plan in plans}
    horizon = (today + timedelta(days=ahead)).isoformat()
    rows = list(
        Task.objects.filter(
            section__plan__in=plans, first_due__isnull=False, first_due__lte=horizon, children__isnull=True
        )
        .select_related("section", "parent")
        .order_by("section__plan_id", "section__order", "order")
    )
    results = dict(
        TaskProgress.objects.filter(task__in=rows, period=period).values_list("task_id", "status") if period else []
    )
    for row in rows:
        plan = by_id[row.section.plan_id]
        status = results.get(row.pk)
        if status in DONE_STATUSES:
            continue
        dues = [date.fromisoformat(day) for day in row.due_dates]
        upcoming = [day for day in dues if today <= day <= today + timedelta(days=ahead)]
        passed = [day for day in dues if day < today]
        key = row_key(row)
        url = reverse("progress:plan", args=[plan.pk]) + f"#task-{row.pk}"
        if upcoming:
            due = upcoming[0]
            items.setdefault(plan.pk, []).append(
                Item("due_soon", plan_label(plan), url, key, row.deadline_text, due, (due - today).days)
            )
        elif passed and status in (None, TaskProgress.Status.NOT_STARTED):
            due = passed[-1]
            items.setdefault(plan.pk, []).append(
                Item("overdue", plan_label(plan), url, key, row.deadline_text, due, (today - due).days)
            )
    return items


def _last_move(plans, to_status):
    return dict(
        PlanTransition.objects.filter(plan__in=plans, to_status=to_status)
        .values("plan_id")
        .annotate(at=Max("created_at"))
        .values_list("plan_id", "at")
    )


def digests(today, *, ahead=None, waiting=None):
    """{user: [Item]} for `today`, each user's items grouped by plan then kind (empty users left out)."""
    ahead = settings.REMINDER_DAYS_AHEAD if ahead is None else ahead
    waiting = settings.REMINDER_WAITING_DAYS if waiting is None else waiting
    calendar = WorkingCalendar(date(today.year - 2, 1, 1), date(today.year + 1, 12, 31))
    period = current_period(today)
    plans = _active_plans(today)
    by_unit = {}
    for plan in plans:
        by_unit.setdefault(plan.unit_id, []).append(plan)
    row_items = _row_items(plans, today, period, ahead)

    unit_items = {}  # unit id → {role: [Item]}

    def add(unit_id, role, item):
        unit_items.setdefault(unit_id, {}).setdefault(role, []).append(item)

    for plan in plans:
        for item in row_items.get(plan.pk, []):
            add(plan.unit_id, Membership.Role.EDITOR, item)
    # the period's report, when its cut-off is near and it is not sent
    if period is not None:
        cutoff = period.cutoff(today.year)
        if 0 <= (cutoff - today).days <= ahead:
            this_year = [plan for plan in plans if plan.year == today.year and plan.status == Plan.Status.ISSUED]
            sent = set(
                SignedReport.objects.filter(
                    report__plan__in=this_year, report__period=period, state="done", document__isnull=False
                ).values_list("report__plan_id", flat=True)
            )
            for plan in this_year:
                if plan.pk not in sent and plan.unit.is_commune_level:
                    url = reverse("reports:report", args=[plan.pk, period.code])
                    add(
                        plan.unit_id,
                        Membership.Role.EDITOR,
                        Item(
                            "report_due",
                            plan_label(plan),
                            url,
                            None,
                            period.label_for(today.year),
                            cutoff,
                            (cutoff - today).days,
                        ),
                    )
    for status, role, kind in (
        (Plan.Status.RETURNED, Membership.Role.EDITOR, "returned_waiting"),
        (Plan.Status.APPROVED, Membership.Role.SIGNER, "to_issue"),
    ):
        stuck = [plan for plan in plans if plan.status == status]
        moved = _last_move(stuck, status)
        for plan in stuck:
            if plan.pk in moved:
                days = calendar.between(timezone.localdate(moved[plan.pk]), today)
                if days > waiting:
                    add(
                        plan.unit_id,
                        role,
                        Item(kind, plan_label(plan), reverse("plans:detail", args=[plan.pk]), days=days),
                    )

    # reviewers: plans submitted below them, communes below them with no plan
    reviewer_units = list(
        Unit.objects.filter(memberships__role=Membership.Role.REVIEWER)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=today))
        .distinct()
    )
    submitted = [plan for plan in plans if plan.status == Plan.Status.SUBMITTED and plan.submitted_at]
    late_start = (today - date(today.year, 1, 1)).days >= ahead
    with_plan = {plan.unit_id for plan in plans if plan.year == today.year}
    communes = (
        list(
            Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=today))
            .only("pk", "path", "name", "kind")
        )
        if late_start
        else []
    )
    for unit in reviewer_units:
        for plan in submitted:
            if plan.unit_id != unit.pk and plan.unit.path.startswith(unit.path):
                days = calendar.between(timezone.localdate(plan.submitted_at), today)
                if days > waiting:
                    add(
                        unit.pk,
                        Membership.Role.REVIEWER,
                        Item("review_waiting", plan_label(plan), reverse("plans:detail", args=[plan.pk]), days=days),
                    )
        for commune in communes:
            if commune.pk not in with_plan and commune.path.startswith(unit.path) and commune.pk != unit.pk:
                add(
                    unit.pk,
                    Membership.Role.REVIEWER,
                    Item("no_plan", str(commune), reverse("dashboard"), days=(today - date(today.year, 1, 1)).days),
                )

    result = {}
    memberships = (
        Membership.objects.filter(unit_id__in=unit_items, user__is_active=True)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("user")
        .order_by("user__username")
    )
    for membership in memberships:
        items = unit_items[membership.unit_id].get(membership.role, [])
        if items:
            result.setdefault(membership.user, []).extend(items)
    # reviewers: the báo cáo sent to them ("Ký và gửi" tells them in the inbox) they have not opened
    # after M working days — a report has no review step of its own, so opening it is what it waits for
    sent_reports = Notification.objects.filter(
        verb=Notification.Verb.REPORT_SENT, read_at__isnull=True, recipient__is_active=True, plan__isnull=False
    ).select_related("recipient", "plan__unit")
    for note in sent_reports:
        days = calendar.between(timezone.localdate(note.created_at), today)
        if days > waiting and note.plan.year >= today.year - 1:
            url = reverse("plans:inbox_open", args=[note.pk])
            result.setdefault(note.recipient, []).append(
                Item("report_waiting", plan_label(note.plan), url, None, note.text[:200], None, days)
            )
    order = list(KINDS)
    return {
        user: sorted(
            set(items), key=lambda item: (item.plan, order.index(item.kind), item.due or date.max, item.row or "")
        )
        for user, items in result.items()
    }
