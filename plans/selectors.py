"""Reading plans for a user: which plans a list shows, and which units they may start a plan for."""

from orgs.models import COMMUNE_LEVEL_KINDS, Unit
from orgs.scoping import units_visible_to
from plans.models import Plan
from plans.permissions import can_create_plan


def listed_plans(user):
    """The plans a user sees, newest year first and in the unit tree's order, with their units."""
    return Plan.objects.visible_to(user).select_related("unit", "unit__parent").order_by("-year", "unit__path")


def creatable_units(user):
    """Commune-level units the user may write a plan for."""
    units = units_visible_to(user).filter(kind__in=COMMUNE_LEVEL_KINDS).select_related("parent")
    return Unit.objects.filter(pk__in=[unit.pk for unit in units if can_create_plan(user, unit)]).order_by("path")
