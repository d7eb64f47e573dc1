"""The rule for a unit's KPI targets (seed 003's appendix, restated in the issues).

A unit's target is never below the target the level above gave it. Where last year's result
already reached that target, the new target is last year's result plus 10 points, capped at 100.
Pure: numbers in, a proposal with its reason out.
"""

from dataclasses import dataclass
from decimal import Decimal

STEP = Decimal(10)
CAP = Decimal(100)


@dataclass(frozen=True)
class Proposal:
    value: Decimal | None
    reason: str


def _d(value):
    return None if value is None else Decimal(str(value))


def _pct(value):
    return f"{format(value.normalize(), 'f').replace('.', ',')}%"  # Vietnamese decimal comma


def propose_target(*, higher_target, last_year_result=None) -> Proposal:
    higher, last = _d(higher_target), _d(last_year_result)
    if higher is None:
        return Proposal(None, "Chưa có chỉ tiêu cấp trên giao: chưa đề xuất được.")
    if last is not None and last >= higher:
        value = min(CAP, last + STEP)
        capped = " (tối đa 100%)" if last + STEP > CAP else ""
        return Proposal(
            value,
            f"Năm trước đạt {_pct(last)}, đã đạt chỉ tiêu cấp trên {_pct(higher)}: "
            f"đề xuất kết quả năm trước cộng 10 điểm = {_pct(value)}{capped}.",
        )
    if last is None:
        return Proposal(higher, f"Bằng chỉ tiêu cấp trên giao ({_pct(higher)}); chưa có kết quả năm trước.")
    return Proposal(
        higher, f"Năm trước đạt {_pct(last)}, chưa đạt chỉ tiêu cấp trên: giữ bằng chỉ tiêu cấp trên {_pct(higher)}."
    )


def target_problem(*, value, higher_target):
    """A Vietnamese message when `value` breaks the rule, else None."""
    value, higher = _d(value), _d(higher_target)
    if value is None:
        return "Chưa nhập chỉ tiêu."
    if not Decimal(0) <= value <= CAP:
        return "Chỉ tiêu phải nằm trong khoảng 0–100%."
    if higher is not None and value < higher:
        return f"Chỉ tiêu {_pct(value)} thấp hơn chỉ tiêu cấp trên giao ({_pct(higher)})."
    return None
