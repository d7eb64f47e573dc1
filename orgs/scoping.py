"""The one place that decides which units, and so which plans, a user may see.

A commune user (editor, signer) sees its own unit; a reviewer or a unit administrator sees its own
unit and every unit below it, at any depth; a superuser sees everything.

Every rule here reads the user's memberships through `memberships_of`: one query, kept for the rest
of the request when RequestMembershipsMiddleware marked the user (a page asks a dozen questions of
the same roles); outside a request (services called by jobs, commands and tests) it reads them anew.
"""

from django.db.models import Q
from django.utils import timezone

from .models import Membership, Unit

WIDE_ROLES = {Membership.Role.REVIEWER, Membership.Role.ADMIN}


def memberships_of(user):
    """The user's current memberships with their units (none for an anonymous or inactive user; a
    membership that ended — its unit merged or dissolved — gives nothing)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if getattr(user, "keeps_memberships", False) and getattr(user, "_memberships", None) is not None:
        return user._memberships
    today = timezone.localdate()
    memberships = list(user.memberships.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today)).select_related("unit"))
    if getattr(user, "keeps_memberships", False):
        user._memberships = memberships
    return memberships


def predecessors_of(units):
    """The ids of every unit the given ones succeeded, at any distance (a merged commune's plans stay
    readable from the unit it was merged into)."""
    found: set[int] = set()
    frontier = {unit.pk for unit in units}
    while frontier:
        frontier = (
            set(
                Unit.predecessors.through.objects.filter(from_unit_id__in=frontier).values_list("to_unit_id", flat=True)
            )
            - found
        )
        found |= frontier
    return found


def _inherited(user, memberships):
    """The predecessors of the user's units (kept for the request, like the memberships)."""
    if not memberships:
        return set()
    if getattr(user, "_predecessors", None) is None or not getattr(user, "keeps_memberships", False):
        user._predecessors = predecessors_of([membership.unit for membership in memberships])
    return user._predecessors


def units_visible_to(user):
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    memberships = memberships_of(user)
    condition = (
        Q(pk__in=predecessors_of([membership.unit for membership in memberships])) if memberships else Q(pk__in=[])
    )
    for membership in memberships:
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
    for membership in memberships_of(user):
        if membership.unit_id == unit.pk:
            roles.add(membership.role)
        elif membership.role in WIDE_ROLES and unit.path.startswith(membership.unit.path):
            roles.add(membership.role)
    return roles


def own_roles(user, unit):
    """The roles a user holds on the unit itself, none inherited from above (a reviewer of the district
    does not write a commune's plan). An inactive account holds none."""
    return {membership.role for membership in memberships_of(user) if membership.unit_id == unit.pk}


def reviews_from_above(user, unit):
    """A reviewer of a unit above `unit` (any depth: the district, or the province)."""
    return any(
        membership.role == Membership.Role.REVIEWER
        and membership.unit_id != unit.pk
        and unit.path.startswith(membership.unit.path)
        for membership in memberships_of(user)
    )


def holds_role(user, role):
    """Whether the user holds `role` on any unit."""
    return any(membership.role == role for membership in memberships_of(user))


MANAGING_ROLES = {Membership.Role.EDITOR, Membership.Role.ADMIN}


def manages_unit(user, unit):
    """The editor or the administrator of the unit itself, or a superuser: who writes the unit's plans,
    records their progress and KPI figures and writes their reports."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(own_roles(user, unit) & MANAGING_ROLES)
