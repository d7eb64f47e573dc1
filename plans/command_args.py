"""Reading --unit and --year as a plan in the management commands."""

from django.core.management.base import CommandError

from orgs.command_args import unit_arg
from plans.models import Plan


def plan_arg(unit_query, year):
    """The unit's plan of `year` (its latest revision)."""
    unit = unit_arg(unit_query)
    plan = Plan.objects.latest_for(unit=unit, year=year)
    if plan is None:
        raise CommandError(f"{unit} chưa có kế hoạch năm {year}.")
    return plan
