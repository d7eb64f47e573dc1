"""Reading --unit and --year as a plan in the management commands."""

from django.core.management.base import CommandError

from orgs.command_args import unit_arg
from plans.models import Plan


def add_plan_arguments(parser, example="Lê Lợi"):
    """--unit (its code or name) and --year, both required: what `plan_arg` reads."""
    parser.add_argument("--unit", required=True, help=f"Mã hoặc tên đơn vị, ví dụ “{example}”.")
    parser.add_argument("--year", required=True, type=int)


def plan_arg(unit_query, year):
    """The unit's plan of `year` (its latest revision)."""
    unit = unit_arg(unit_query)
    plan = Plan.objects.latest_for(unit=unit, year=year)
    if plan is None:
        raise CommandError(f"{unit} chưa có kế hoạch năm {year}.")
    return plan
