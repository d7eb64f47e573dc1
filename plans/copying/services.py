"""A new year's plan from last year's: the service layer over the pure rules of plans.copying.years.
`prepare_copy` reads the source plan and lists what the copy changes; `create_copy` writes it."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from orgs.audit import record as audit
from orgs.models import AuditEvent, Unit
from plans.cascade.services import relink
from plans.copying.years import copy_data, year_mentions_that_do_not_fit
from plans.loading import load_plan
from plans.models import Plan
from plans.permissions import can_create_plan
from plans.serializing import plan_to_data


class CopyRefused(Exception):
    """The copy cannot be made (the unit already has a plan for that year); the message says why."""


def plan_year_warnings(plan):
    """The year-mention warnings of a saved plan (what templates/plans/copy/_year_warnings.html shows)."""
    return year_mentions_that_do_not_fit(plan_to_data(plan), plan.year)


def prepare_copy(*, source_plan, year):
    """What copying `source_plan` to `year` would create: the data for plans.loading.load_plan,
    every change made to its texts, and the warnings on the result. Reads only."""
    data = plan_to_data(source_plan, links=True)
    source_warnings = year_mentions_that_do_not_fit(data, source_plan.year)
    proposal = copy_data(data, from_year=source_plan.year, to_year=year, source_warnings=source_warnings)
    proposal.links = relink(proposal.data, unit=source_plan.unit, year=year)
    return proposal


def existing_plan(*, unit, year):
    return Plan.objects.filter(unit=unit, year=year).order_by("-revision").first()


def create_copy(*, source_plan, year, user, request=None):
    """Create `year`'s plan of the source's unit from `source_plan` (a draft, without number or date).
    Refuses when the user may not create plans for the unit (PermissionDenied) or the unit already
    has a plan for that year (CopyRefused)."""
    unit = source_plan.unit
    if not can_create_plan(user, unit):
        raise PermissionDenied("Bạn không có quyền tạo kế hoạch cho đơn vị này.")
    if year <= source_plan.year:
        raise CopyRefused(f"Năm của kế hoạch mới phải sau năm {source_plan.year}.")
    refusal = f"{unit} đã có kế hoạch năm {year}."
    try:
        with transaction.atomic():
            Unit.objects.select_for_update().filter(pk=unit.pk).first()  # one copy at a time per unit
            if existing_plan(unit=unit, year=year):
                raise CopyRefused(refusal)
            proposal = prepare_copy(source_plan=source_plan, year=year)
            copy = load_plan(proposal.data, unit=unit)
            audit(
                actor=user, action=AuditEvent.Action.PLAN_COPY, target=copy, request=request, source_plan=source_plan.pk
            )
            return copy
    except IntegrityError as error:  # a concurrent copy won the race (plan_unit_year_revision)
        raise CopyRefused(refusal) from error
