"""The one place that decides which units, and so which plans, a user may see.

A commune user (editor, signer) sees its own unit; a reviewer or a unit administrator sees its own
unit and every unit below it, at any depth; a superuser sees everything.
"""

from django.db.models import Q

from .models import Membership, Unit

WIDE_ROLES = {Membership.Role.REVIEWER, Membership.Role.ADMIN}


def units_visible_to(user):
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    condition = Q(pk__in=[])
    for membership in user.memberships.select_related("unit"):
        if membership.role in WIDE_ROLES:
            condition |= Q(path__startswith=membership.unit.path)
        else:
            condition |= Q(pk=membership.unit_id)
    return Unit.objects.filter(condition)


def roles_for(user, unit):
    """The roles a user holds for a unit: its own memberships there, plus reviewer/admin roles
    inherited from any ancestor unit."""
    if not user.is_authenticated:
        return set()
    roles = set()
    for membership in user.memberships.select_related("unit"):
        if membership.unit_id == unit.pk:
            roles.add(membership.role)
        elif membership.role in WIDE_ROLES and unit.path.startswith(membership.unit.path):
            roles.add(membership.role)
    return roles


def own_roles(user, unit):
    """The roles a user holds on the unit itself, none inherited from above (a reviewer of the district
    does not write a commune's plan). An inactive account holds none."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(user.memberships.filter(unit=unit).values_list("role", flat=True))


MANAGING_ROLES = {Membership.Role.EDITOR, Membership.Role.ADMIN}


def manages_unit(user, unit):
    """The editor or the administrator of the unit itself, or a superuser: who writes the unit's plans,
    records their progress and KPI figures and writes their reports."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(own_roles(user, unit) & MANAGING_ROLES)
