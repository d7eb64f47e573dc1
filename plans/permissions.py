"""Who may do what with a plan. Visibility is orgs.scoping's job; this decides the actions."""

from orgs.models import Membership
from orgs.scoping import roles_for

from .models import Plan

EDITABLE_STATES = {Plan.Status.DRAFT, Plan.Status.RETURNED}


def can_edit_plan(user, plan):
    """The commune's editor (or its unit administrator) edits a plan while it is a draft or was
    returned; nobody edits a submitted, approved or issued plan."""
    if plan.status not in EDITABLE_STATES:
        return False
    if user.is_superuser:
        return True
    return bool(own_roles(user, plan.unit) & {Membership.Role.EDITOR, Membership.Role.ADMIN})


def can_create_plan(user, unit):
    return user.is_superuser or bool(own_roles(user, unit) & {Membership.Role.EDITOR, Membership.Role.ADMIN})


def own_roles(user, unit):
    """Roles held on the unit itself (a reviewer above does not edit a commune's plan)."""
    if not user.is_authenticated:
        return set()
    return {role for role in roles_for(user, unit) if user.memberships.filter(unit=unit, role=role).exists()}


_own_roles = own_roles  # the former private name, still imported by reports.services
