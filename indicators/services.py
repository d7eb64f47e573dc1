"""State changes on the KPI catalogue, a plan's targets and the figures counted per period.

Views, the seed command and tests all call these. Writes check the user's right (PermissionDenied),
validate with Vietnamese messages keyed by field (ValidationError) and run in a transaction.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from orgs.scoping import manages_unit
from plans.models import Plan
from plans.permissions import can_edit_plan, ensure_plan_editable

from .models import Indicator, Measurement, PlanTarget
from .targets import Proposal, propose_target, target_problem

MAX_COUNT = 2_147_483_647  # PositiveIntegerField's limit on every database Django supports
# Whole numbers as people type them: "412", "1.234" or "1 234" (Vietnamese thousands groups).
_INTEGER = re.compile(r"^\d+$|^\d{1,3}(?:[. ]\d{3})+$")
_DECIMAL = re.compile(r"^\d+(?:[.,]\d+)?$")
COUNT_LABELS = {"numerator": "Tử số", "denominator": "Mẫu số"}
PERCENT_LABELS = {
    "value": "Chỉ tiêu",
    "last_year_result": "Kết quả năm trước",
    "higher_target": "Chỉ tiêu cấp trên giao",
}


class SavedTarget(NamedTuple):
    target: PlanTarget
    proposal: Proposal


# --- catalogue and seed targets ---------------------------------------------------------------------


@transaction.atomic
def load_catalogue(rows):
    for row in rows:
        Indicator.objects.update_or_create(
            code=row["code"],
            defaults={key: row[key] for key in ("name", "unit", "direction", "numerator", "denominator")},
        )


def set_targets(*, plan, targets):
    """Replace a plan's targets with `targets` ([{indicator, value, qualifier, source_task, …}]), as a
    seed or an imported plan states them (no permission check: the caller loads a whole plan)."""
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=[t["indicator"] for t in targets])}
    missing = {t["indicator"] for t in targets} - set(indicators)
    if missing:
        raise ValueError(f"Chỉ tiêu không có trong danh mục: {', '.join(sorted(missing))}")
    PlanTarget.objects.filter(plan=plan).delete()
    PlanTarget.objects.bulk_create(
        PlanTarget(
            plan=plan,
            indicator=indicators[t["indicator"]],
            value=Decimal(str(t["value"])),
            qualifier=t.get("qualifier", PlanTarget.Qualifier.MIN),
            source_task=t.get("source_task", ""),
            responsible=t.get("responsible", ""),
            last_year_result=_optional_decimal(t.get("last_year_result")),
            higher_target=_optional_decimal(t.get("higher_target")),
        )
        for t in targets
    )


def targets_to_data(plan):
    """The plan's targets in the shape set_targets reads (fixtures/README.md)."""
    return [
        {
            "indicator": t.indicator.code,
            "value": float(t.value),
            "qualifier": t.qualifier,
            "source_task": t.source_task,
            "responsible": t.responsible,
        }
        for t in plan.targets.select_related("indicator")
    ]


def _max_length(model, name) -> int:
    return model._meta.get_field(name).max_length


def _lock_plan(plan):
    """Targets are plan content: inside the transaction, read the plan row with select_for_update()
    and refuse a submitted, approved or issued plan (plans.permissions.ensure_plan_editable), so a
    change racing a submit or an approval cannot slip through."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    plan.status = locked.status
    ensure_plan_editable(locked)


def _optional_decimal(value):
    return None if value is None else Decimal(str(value))


# --- permissions ------------------------------------------------------------------------------------


def can_record_measurements(user, plan):
    """The commune's editor or unit administrator (roles on the plan's own unit) enters the figures,
    whatever the plan's state: they are counted all year round, after the plan is issued too."""
    return manages_unit(user, plan.unit)


def can_edit_targets(user, plan):
    """Targets are part of the plan: editable by whom and when the plan itself is (draft or returned)."""
    return can_edit_plan(user, plan)


def targets_denied_message(user, plan):
    if can_record_measurements(user, plan):
        return (
            f"Kế hoạch đang ở trạng thái “{plan.get_status_display()}” nên không sửa được chỉ tiêu; "
            "chỉ sửa khi kế hoạch đang dự thảo hoặc bị trả lại."
        )
    return f"Bạn không có quyền sửa chỉ tiêu: chỉ công chức soạn thảo hoặc quản trị của {plan.unit} được sửa."


def measurements_denied_message(plan):
    return f"Bạn không có quyền nhập số liệu: chỉ công chức soạn thảo hoặc quản trị của {plan.unit} được nhập."


# --- parsing what people type -------------------------------------------------------------------------


def _count(value, field, errors):
    """A whole number ≥ 0 from an int or the text typed; records the problem in `errors`."""
    label = COUNT_LABELS[field]
    if isinstance(value, bool):
        errors[field] = f"{label} phải là số nguyên."
        return None
    if isinstance(value, int):
        number = value
    else:
        text = "" if value is None else str(value).strip()
        if not text:
            errors[field] = f"Chưa nhập {label.lower()}."
            return None
        negative = text.startswith("-")
        digits = text[1:].strip() if negative else text
        if not _INTEGER.match(digits):
            errors[field] = f"{label} phải là số nguyên (số hồ sơ, số lượt…), không có phần thập phân."
            return None
        number = int(re.sub(r"[. ]", "", digits)) * (-1 if negative else 1)
    if number < 0:
        errors[field] = "Số liệu không được âm."
    elif number > MAX_COUNT:
        errors[field] = f"{label} quá lớn."
    else:
        return number
    return None


def _percent(value, field, errors, *, required):
    """A percentage 0–100 with at most 2 decimals ("88,6" or "88.6"); None when blank and optional."""
    label = PERCENT_LABELS[field]
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[field] = f"Chưa nhập {label.lower()}."
        return None
    if isinstance(value, bool):
        errors[field] = f"{label} phải là một số."
        return None
    if isinstance(value, Decimal | int | float):
        number = Decimal(str(value))
        if not number.is_finite():
            errors[field] = f"{label} phải là một số (ví dụ 85 hoặc 88,5)."
            return None
    else:
        text = str(value).strip().removesuffix("%").strip()
        if not _DECIMAL.match(text.lstrip("-")):
            errors[field] = f"{label} phải là một số (ví dụ 85 hoặc 88,5)."
            return None
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            errors[field] = f"{label} phải là một số (ví dụ 85 hoặc 88,5)."
            return None
    if not Decimal(0) <= number <= Decimal(100):
        errors[field] = f"{label} phải nằm trong khoảng 0–100%."
        return None
    if number != number.quantize(Decimal("0.01")):
        errors[field] = f"{label} chỉ được có tối đa 2 chữ số thập phân."
        return None
    return number


# --- targets -----------------------------------------------------------------------------------------


def proposal_for(*, higher_target, last_year_result):
    """The rule's proposal for what the user typed so far (unparsable numbers count as missing)."""
    errors: dict[str, str] = {}
    higher = _percent(higher_target, "higher_target", errors, required=False)
    last = _percent(last_year_result, "last_year_result", errors, required=False)
    return propose_target(higher_target=higher, last_year_result=last)


@transaction.atomic
def set_target(
    *, plan, indicator, value, qualifier, responsible, last_year_result, higher_target, user, source_task=None
):
    """Create or change the plan's target for `indicator`. The target rule is enforced: never below
    the higher level's target (indicators.targets.target_problem). Returns SavedTarget(target,
    proposal) — the proposal the rule makes from the higher target and last year's result."""
    if not can_edit_targets(user, plan):
        raise PermissionDenied(targets_denied_message(user, plan))
    _lock_plan(plan)
    errors: dict[str, str] = {}
    number = _percent(value, "value", errors, required=True)
    last = _percent(last_year_result, "last_year_result", errors, required=False)
    higher = _percent(higher_target, "higher_target", errors, required=False)
    if qualifier not in PlanTarget.Qualifier.values:
        errors["qualifier"] = "Mức chỉ tiêu không hợp lệ."
    responsible = (responsible or "").strip()
    if len(responsible) > _max_length(PlanTarget, "responsible"):
        errors["responsible"] = "Tên đơn vị chịu trách nhiệm quá dài (tối đa 300 ký tự)."
    if number is not None and "higher_target" not in errors:
        if indicator.direction == Indicator.Direction.LOWER:
            if higher is not None and number > higher:
                errors["value"] = (
                    f"Chỉ tiêu {number.normalize():f}% cao hơn chỉ tiêu cấp trên giao ({higher.normalize():f}%)."
                )
        else:
            problem = target_problem(value=number, higher_target=higher)
            if problem:
                errors["value"] = problem
    if errors:
        raise ValidationError(errors)
    defaults = {
        "value": number,
        "qualifier": qualifier,
        "responsible": responsible,
        "last_year_result": last,
        "higher_target": higher,
    }
    if source_task is not None:
        defaults["source_task"] = source_task.strip()[:20]
    target, _ = PlanTarget.objects.update_or_create(plan=plan, indicator=indicator, defaults=defaults)
    plan.mark_changed()
    return SavedTarget(target, propose_target(higher_target=higher, last_year_result=last))


@transaction.atomic
def remove_target(*, plan, target, user):
    if not can_edit_targets(user, plan):
        raise PermissionDenied(targets_denied_message(user, plan))
    _lock_plan(plan)
    PlanTarget.objects.filter(pk=target.pk, plan=plan).delete()
    plan.mark_changed()


# --- measurements ------------------------------------------------------------------------------------


def measurement_problems(*, numerator, denominator):
    """(numerator, denominator, errors): the parsed counts and the Vietnamese messages keyed by field."""
    errors: dict[str, str] = {}
    num = _count(numerator, "numerator", errors)
    den = _count(denominator, "denominator", errors)
    if den == 0:
        errors["denominator"] = "Mẫu số phải lớn hơn 0."
    if num is not None and den and num > den:
        errors["numerator"] = f"Tử số ({num}) không được lớn hơn mẫu số ({den})."
    return num, den, errors


@transaction.atomic
def record_measurement(*, plan, indicator, period, numerator, denominator, user, note=""):
    """Store what the commune counted for `indicator` in `period` (one row per plan, indicator and
    period; a second entry replaces the first). Refuses a denominator of 0, a numerator above the
    denominator, negative or non-whole numbers, with the message next to the field."""
    if not can_record_measurements(user, plan):
        raise PermissionDenied(measurements_denied_message(plan))
    num, den, errors = measurement_problems(numerator=numerator, denominator=denominator)
    note = (note or "").strip()
    if len(note) > _max_length(Measurement, "note"):
        errors["note"] = "Ghi chú quá dài (tối đa 500 ký tự)."
    if errors:
        raise ValidationError(errors)
    measurement, _ = Measurement.objects.update_or_create(
        plan=plan,
        indicator=indicator,
        period=period,
        defaults={"numerator": num, "denominator": den, "note": note, "updated_by": user},
    )
    return measurement


@transaction.atomic
def clear_measurement(*, plan, indicator, period, user):
    """Forget the figures of `indicator` in `period` (the row shows “chưa có số liệu” again)."""
    if not can_record_measurements(user, plan):
        raise PermissionDenied(measurements_denied_message(plan))
    Measurement.objects.filter(plan=plan, indicator=indicator, period=period).delete()
