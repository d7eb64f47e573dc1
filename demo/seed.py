"""The demo data (`manage.py seed_demo`): the unit tree as the seed documents show it (2023–2024:
tỉnh → huyện → xã), the KPI catalogue, the four real plans of ../shared/seeds transcribed in
fixtures/plans/*.json with the results one of them reported; beside them today's shape, a generated
province with its communes directly below (demo.country.generate_province); and one demo account per
role per unit (for the generated province: the province and its first commune). For a local machine
only: the accounts share one known password.

The app sits on top of every other (README, "Layout"): it only calls their loaders."""

import json
import re
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from demo.country import generate_province
from indicators.services import load_catalogue
from orgs.models import Membership, Unit, User
from orgs.services import load_units
from periods.cutoffs import ensure_periods
from periods.models import ReportingPeriod
from plans.copying.years import copy_data
from plans.loading import load_plan
from plans.models import Plan
from reports.models import Report
from signing.demo import ensure_demo_key
from tasks.selectors import plan_table
from tasks.services import record_results

FIXTURES = settings.BASE_DIR / "fixtures"


def read_fixture(path):
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def seed_demo(*, reset=False):
    """Load everything; a plan that exists is kept unless `reset`. Returns (units, plans loaded, plans kept)."""
    ensure_periods(ReportingPeriod)
    units = load_units(read_fixture(FIXTURES / "units.json"))
    load_catalogue(read_fixture(FIXTURES / "indicators.json"))
    loaded = kept = 0
    for path in sorted((FIXTURES / "plans").glob("*.json")):
        data = read_fixture(path)
        unit = units[data["unit"]]
        existing = Plan.objects.filter(unit=unit, year=data["year"], revision=1)
        if existing.exists() and not reset:
            kept += 1
            continue
        existing.delete()
        load_seed_plan(data, unit=unit)
        loaded += 1
    province = generate_province()
    ensure_province_plan(province)
    demo_units = [*units.values(), province, *province.children.order_by("slug")[:1]]
    users = ensure_demo_users(password=settings.DEMO_PASSWORD, units=demo_units)
    ensure_demo_signing_keys(users=users, units=demo_units)
    return units, loaded, kept


# In a plan written after the 2025 reorganisation the province addresses its communes directly.
_DISTRICTS = re.compile(r"UBND\s+huyện,\s*(?:thành\s+phố|TP)(?:\s*\(TP\)?)?", re.IGNORECASE)


def _to_communes(rows):
    for row in rows:
        for cell in ("lead", "partners"):
            row[cell] = _DISTRICTS.sub("UBND các xã, phường", row.get(cell) or "")
        _to_communes(row.get("children") or [])


def ensure_province_plan(province):
    """The generated province's issued plan of its communes' year, so that its communes can take rows
    from it ("Lấy từ kế hoạch cấp trên") and it can see its coverage: seed 001 (Bắc Giang 2024) moved to
    that year, addressed to the communes (no districts any more), numbered 12/KH-UBND of 10 January."""
    year = Plan.objects.filter(unit__parent=province).values_list("year", flat=True).first()
    if year is None or Plan.objects.filter(unit=province, year=year).exists():
        return None
    data = read_fixture(FIXTURES / "plans" / "bac-giang-2024.json")
    copy_data(data, from_year=data["year"], to_year=year)
    data["report"] = None
    for section in data["table"]["sections"]:
        _to_communes(section.get("tasks", []))
    data["document"].update(
        number=12,
        date=date(year, 1, 10).isoformat(),
        issuing_body=f"ỦY BAN NHÂN DÂN\n{str(province).upper()}",
        place=province.name.split(" (")[0],
    )
    return load_plan(data, unit=province, status=Plan.Status.ISSUED)


@transaction.atomic
def load_seed_plan(data, *, unit):
    """A seed plan: the plan itself (plans.loading), then the report it came with, if any (seed 004:
    the results of 9 months), with the result of each row."""
    plan = load_plan(data, unit=unit)
    report = data.get("report")
    if report:
        period = ReportingPeriod.objects.get(code=report["period"])
        Report.objects.create(
            plan=plan,
            period=period,
            number=report.get("number"),
            issued_on=date.fromisoformat(report["date"]) if report.get("date") else None,
            appendix_heading=report.get("heading", ""),
            appendix_title=report.get("title", ""),
            appendix_attachment_line=report.get("attachment_line", ""),
            result_column=report.get("result_column", ""),
        )
        record_results(period=period, results=list(_results(plan_table(plan), data["table"]["sections"])))
    return plan


def _results(sections, sections_data):
    """(row, result) of every row whose data carries a result, matching the stored rows to the data in order."""

    def walk(rows, rows_data):
        for row, row_data in zip(rows, rows_data, strict=True):
            if row_data.get("result"):
                yield row, row_data["result"]
            yield from walk(row.subitems, row_data.get("children", []))

    for section, section_data in zip(sections, sections_data, strict=True):
        yield from walk(section.rows, section_data.get("tasks", []))


@transaction.atomic
def ensure_demo_signing_keys(*, users, units):
    """A demo key, signature image and seal for each demo signer and unit (signing.demo)."""
    for unit in units:
        if unit.kind != Unit.Kind.NATION:
            ensure_demo_key(unit=unit, common_name=organisation_name(unit), organisation=organisation_name(unit))
    for user in users:
        membership = user.memberships.filter(role=Membership.Role.SIGNER).select_related("unit").first()
        if membership is not None and membership.unit.kind != Unit.Kind.NATION:
            ensure_demo_key(
                user=user,
                common_name=user.full_name or user.username,
                organisation=organisation_name(membership.unit),
                title=f"Chủ tịch {organisation_name(membership.unit)}",
            )


def organisation_name(unit):
    """ "Ủy ban nhân dân xã Lê Lợi": the people's committee of the unit, as its seal and certificate name it."""
    return f"Ủy ban nhân dân {unit.get_kind_display().lower()} {unit.name}"


def ensure_demo_users(*, password, units):
    """One demo user per role per unit ("<unit slug>-<role>"), created once with the given password."""
    users = []
    password_hash = make_password(password)  # hashed once: the same demo password for every account
    for unit in units:
        for role, label in Membership.Role.choices:
            user, _ = User.objects.get_or_create(
                username=f"{unit.slug}-{role}",
                defaults={
                    "full_name": f"{label} – {unit}",
                    "is_staff": role == Membership.Role.ADMIN,
                    "password": password_hash,
                },
            )
            Membership.objects.get_or_create(user=user, unit=unit, role=role)
            users.append(user)
    return users
