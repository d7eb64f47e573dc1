"""What the management commands share: reading --unit, --year and --period, with a Vietnamese
message and a non-zero exit when the unit, the plan or the period does not exist."""

from django.core.management.base import CommandError

from orgs.services import UnitLookupError, find_unit


def unit_arg(query):
    try:
        return find_unit(query)
    except UnitLookupError as error:
        raise CommandError(str(error)) from error


def plan_arg(unit_query, year):
    """The unit's plan of `year` (its latest revision)."""
    from plans.models import Plan

    unit = unit_arg(unit_query)
    plan = Plan.objects.latest_for(unit=unit, year=year)
    if plan is None:
        raise CommandError(f"{unit} chưa có kế hoạch năm {year}.")
    return plan


def period_arg(code):
    from reports.models import ReportingPeriod

    period = ReportingPeriod.objects.filter(code=code.strip().upper()).first()
    if period is None:
        codes = ", ".join(ReportingPeriod.objects.values_list("code", flat=True))
        raise CommandError(f"Không có kỳ báo cáo “{code}”. Các kỳ: {codes}.")
    return period
