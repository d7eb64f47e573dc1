"""A generated country at the scale of the 2025 reorganisation, for load tests and demos: a national
unit, provinces with their communes directly below (no districts), a plan of the year for every
commune with its rows, and progress for the first periods. Written in bulk (a few seconds for the
whole country), without history records: it is test data, not anyone's work.

Every generated unit's slug starts with `prefix`, so a generated country is easy to find and never
mixes with real units."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from orgs.models import Membership, Unit, User
from periods.models import ReportingPeriod
from plans.models import Decision, Plan
from tasks.deadlines import parse_deadline
from tasks.models import Section, Task, TaskProgress

REORGANISED = date(2025, 7, 1)  # two-level local government (Nghị quyết 202/2025/QH15)
DEADLINES = ["Quý I/{y}", "Tháng 6/{y}", "Định kỳ hằng quý", "Trước ngày 31/12/{y}", "Khi có phát sinh"]
STATUSES = [Plan.Status.ISSUED, Plan.Status.ISSUED, Plan.Status.APPROVED, Plan.Status.SUBMITTED, Plan.Status.DRAFT]
PROGRESS = [TaskProgress.Status.DONE, TaskProgress.Status.IN_PROGRESS, TaskProgress.Status.NOT_ARISEN, None]


@dataclass
class Country:
    nation: Unit
    provinces: list  # Unit, the biggest first
    reviewers: dict  # unit slug → its reviewer's username


def province_sizes(communes, provinces, *, biggest=300, smallest=30):
    """How many communes each province gets: one of `biggest`, one of `smallest`, the rest shared (an
    even share each for a country too small for that)."""
    if provinces < 3 or communes < biggest + smallest + provinces - 2:
        share, extra = divmod(communes, provinces)
        return [share + (1 if index < extra else 0) for index in range(provinces)]
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
            name=f"Mẫu {index:02d} (dữ liệu thử)",
            kind=Unit.Kind.PROVINCE,
            parent=nation,
        )
        province_units.append((province, size))
    commune_units = []
    for province, size in province_units:
        batch = [
            Unit(slug=f"{province.slug}-xa-{n:03d}", name=f"Mẫu {n:03d}", kind=Unit.Kind.COMMUNE, parent=province)
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


DEMO_PROVINCE = "tinh-mau"


def generate_province(*, slug=DEMO_PROVINCE, name="Mẫu (dữ liệu thử)", communes=6, rows=12, year=None, seed=1):
    """The post-2025 shape beside the seed tree: one generated province with its communes directly
    below it (no district), each with a plan of the year. Nothing is created twice. The names say they
    are generated: the seed documents state no real merger to copy."""
    existing = Unit.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    year = year or timezone.localdate().year
    province = Unit.objects.create(slug=slug, name=name, kind=Unit.Kind.PROVINCE, valid_from=REORGANISED)
    created = [
        Unit.objects.create(
            slug=f"{slug}-xa-{n:02d}",
            name=f"Mẫu {n:02d}",
            kind=Unit.Kind.COMMUNE,
            parent=province,
            valid_from=REORGANISED,
        )
        for n in range(1, communes + 1)
    ]
    _plans(created, rows=rows, year=year, rng=random.Random(seed), progress=())  # the year's work is to come
    return province


def _plans(communes, *, rows, year, rng, progress=("Q1", "6M")):
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
            issuing_body=f"ỦY BAN NHÂN DÂN\n{str(plan.unit).upper()}",
            place=plan.unit.name,
            summary=f"Ban hành Kế hoạch kiểm soát thủ tục hành chính năm {year}",
            authority=f"CHỦ TỊCH ỦY BAN NHÂN DÂN {str(plan.unit).upper()}",
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
    meanings = {text: parse_deadline(text.format(y=year), year) for text in DEADLINES}  # five texts, parsed once
    tasks = []
    for plan in plans:
        for row in range(1, rows + 1):
            text = DEADLINES[row % len(DEADLINES)]
            meaning = meanings[text]
            tasks.append(
                Task(
                    section=by_plan[plan.pk][row % 4],
                    order=row,
                    number=str(row),
                    content=f"Nội dung công việc số {row} của kế hoạch kiểm soát thủ tục hành chính",
                    lead="Văn phòng HĐND và UBND xã",
                    partners="Công chức chuyên môn",
                    product="Báo cáo",
                    deadline_text=text.format(y=year),
                    deadline_kind=meaning.kind,
                    due_dates=[day.isoformat() for day in meaning.due_dates],
                )
            )
    tasks = Task.objects.bulk_create(tasks, batch_size=5000)
    periods = list(ReportingPeriod.objects.filter(code__in=progress))
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
