from decimal import Decimal

from django.db import transaction

from .models import Indicator, PlanTarget


@transaction.atomic
def load_catalogue(rows):
    for row in rows:
        Indicator.objects.update_or_create(
            code=row["code"],
            defaults={key: row[key] for key in ("name", "unit", "direction", "numerator", "denominator")},
        )


def set_targets(*, plan, targets):
    """Replace a plan's targets with `targets` ([{indicator, value, qualifier, source_task}])."""
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
        )
        for t in targets
    )
