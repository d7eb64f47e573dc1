"""A generated country at the scale of the 2025 reorganisation, for load tests and demos: a national
unit, provinces with their communes directly below (no districts), a plan of the year for every
commune with its rows, and progress for the first periods. Written in bulk (a few seconds for the
whole country), without history records: it is test data, not anyone's work.

Every generated unit's slug starts with `prefix`, so a generated country is easy to find and never
mixes with real units."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from orgs.models import Membership, Unit, User
from periods.models import ReportingPeriod
from plans.models import Decision, Plan
from tasks.models import Section, Task, TaskProgress

DEADLINES = [["{y}-03-31"], ["{y}-06-30"], ["{y}-03-31", "{y}-06-30", "{y}-09-30", "{y}-12-31"], ["{y}-12-31"], []]
STATUSES = [Plan.Status.ISSUED, Plan.Status.ISSUED, Plan.Status.APPROVED, Plan.Status.SUBMITTED, Plan.Status.DRAFT]
PROGRESS = [TaskProgress.Status.DONE, TaskProgress.Status.IN_PROGRESS, TaskProgress.Status.NOT_ARISEN, None]


@dataclass
class Country:
    nation: Unit
    provinces: list  # Unit, the biggest first
    reviewers: dict  # unit slug → its reviewer's username


def province_sizes(communes, provinces, *, biggest=300, smallest=30):
    """How many communes each province gets: one of `biggest`, one of `smallest`, the rest shared."""
    rest = communes - biggest - smallest
    share, extra = divmod(rest, provinces - 2)
    return [biggest, smallest] + [share + (1 if index < extra else 0) for index in range(provinces - 2)]


@transaction.atomic
def generate_country(*, prefix="mau", provinces=34, communes=3321, rows=36, year=None, password=None, seed=1):
    """Create the country (nothing is created twice: an existing generated nation is returned)."""
    year = year or timezone.localdate().year
    existing = Unit.objects.filter(slug=f"{prefix}-trung-uong").first()
    if existing is not None:
        return _country(existing, prefix)
    rng = random.Random(seed)
    nation = Unit.objects.create(slug=f"{prefix}-trung-uong", name="Cả nước (dữ liệu thử)", kind=Unit.Kind.NATION)
    province_units = []
    for index, size in enumerate(province_sizes(communes, provinces), 1):
        province = Unit.objects.create(
            slug=f"{prefix}-tinh-{index:02d}",
            name=f"Tỉnh Mẫu {index:02d} (dữ liệu thử)",
            kind=Unit.Kind.PROVINCE,
            parent=nation,
        )
        province_units.append((province, size))
    commune_units = []
    for province, size in province_units:
        batch = [
            Unit(slug=f"{province.slug}-xa-{n:03d}", name=f"Xã Mẫu {n:03d}", kind=Unit.Kind.COMMUNE, parent=province)
            for n in range(1, size + 1)
        ]
        created = Unit.objects.bulk_create(batch)
        for unit in created:
            unit.path = f"{province.path}{unit.pk}/"
        Unit.objects.bulk_update(created, ["path"])
        commune_units.extend(created)
    _plans(commune_units, rows=rows, year=year, rng=rng)
    _reviewers(nation, [p for p, _ in province_units], password=password)
    return _country(nation, prefix)


def _plans(communes, *, rows, year, rng):
    now = timezone.now()
    plans = Plan.objects.bulk_create(
        Plan(
            unit=unit,
            year=year,
            status=STATUSES[index % len(STATUSES)],
            submitted_at=now - timedelta(days=index % 20)
            if STATUSES[index % len(STATUSES)] != Plan.Status.DRAFT
            else None,
        )
        for index, unit in enumerate(communes)
    )
    Decision.objects.bulk_create(
        Decision(
            plan=plan,
            issuing_body=f"ỦY BAN NHÂN DÂN\n{plan.unit.name.upper()}",
            place=plan.unit.name,
            summary=f"Ban hành Kế hoạch kiểm soát thủ tục hành chính năm {year}",
            authority=f"CHỦ TỊCH ỦY BAN NHÂN DÂN {plan.unit.name.upper()}",
            signer_name="Nguyễn Văn A",
        )
        for plan in plans
    )
    sections = Section.objects.bulk_create(
        Section(plan=plan, order=order, number=number, title=f"Mục {number}")
        for plan in plans
        for order, number in enumerate(("I", "II", "III", "IV"), 1)
    )
    by_plan = {}
    for section in sections:
        by_plan.setdefault(section.plan_id, []).append(section)
    tasks = []
    for plan in plans:
        for row in range(1, rows + 1):
            due = [d.format(y=year) for d in DEADLINES[row % len(DEADLINES)]]
            tasks.append(
                Task(
                    section=by_plan[plan.pk][row % 4],
                    order=row,
                    number=str(row),
                    content=f"Nội dung công việc số {row} của kế hoạch kiểm soát thủ tục hành chính",
                    lead="Văn phòng HĐND và UBND xã",
                    partners="Công chức chuyên môn",
                    product="Báo cáo",
                    deadline_text="Theo thời hạn",
                    deadline_kind="fixed" if len(due) == 1 else "recurring" if due else "unknown",
                    due_dates=due,
                )
            )
    tasks = Task.objects.bulk_create(tasks, batch_size=5000)
    periods = list(ReportingPeriod.objects.filter(code__in=["Q1", "6M"]))
    TaskProgress.objects.bulk_create(
        (
            TaskProgress(task=task, period=period, status=status)
            for task in tasks
            for period in periods
            if (status := rng.choice(PROGRESS)) is not None
        ),
        batch_size=5000,
    )


def _reviewers(nation, provinces, *, password):
    """One reviewer for the nation and for each province ("<slug>-reviewer")."""
    for unit in [nation, *provinces]:
        user = User(username=f"{unit.slug}-reviewer", full_name=f"Cán bộ thẩm định – {unit.name}")
        user.set_password(password) if password else user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, unit=unit, role=Membership.Role.REVIEWER)


def _country(nation, prefix):
    provinces = list(Unit.objects.filter(parent=nation).order_by("slug"))
    reviewers = {unit.slug: f"{unit.slug}-reviewer" for unit in [nation, *provinces]}
    return Country(nation=nation, provinces=provinces, reviewers=reviewers)
