"""Parts of a plan that an app above plans keeps in its own tables, and that travel with the plan's data.

A plan's data (the nested shape of fixtures/plans/*.json, fixtures/README.md) is written by
plans.serializing.plan_to_data and read back by plans.loading.load_plan; a new revision and a copy to
a new year go through both. The KPI targets belong in that data, but their tables are indicators',
and plans does not import the apps above it (README, "Layout"). So indicators registers its part
once, at start-up (IndicatorsConfig.ready), and plans calls it by its key without knowing it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PlanPart:
    key: str  # its key in the plan's data: "targets"
    dump: Callable[[Any], list]  # dump(plan) -> [item, …]
    load: Callable[..., None]  # load(plan=…, items=[item, …]): replaces the plan's items


_PARTS: dict[str, PlanPart] = {}


def register(part):
    _PARTS[part.key] = part


def dump_parts(plan):
    """{key: [item, …]} of every registered part of `plan`."""
    return {key: part.dump(plan) for key, part in _PARTS.items()}


def load_parts(plan, data):
    """Write the parts `data` carries to `plan` (a part the data does not name is left alone)."""
    for key, part in _PARTS.items():
        if key in data:
            part.load(plan=plan, items=data[key])
