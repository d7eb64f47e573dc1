"""Changes to units and users."""

import unicodedata

from django.db import transaction

from .models import Unit


class UnitLookupError(Exception):
    """An unknown or ambiguous unit, with a message for the user."""


def _normalise(text):
    return unicodedata.normalize("NFC", text or "").strip().casefold()


def find_unit(query):
    """The unit whose official code, internal code (slug) or name is `query`.

    Raises UnitLookupError (Vietnamese message) when none or several match.
    """
    wanted = _normalise(query)
    if not wanted:
        raise UnitLookupError("Chưa nhập đơn vị.")
    by_code = list(Unit.objects.filter(official_code=query.strip())) or list(Unit.objects.filter(slug=wanted))
    if len(by_code) == 1:
        return by_code[0]
    by_name = [
        unit for unit in Unit.objects.all() if _normalise(unit.name) == wanted or _normalise(str(unit)) == wanted
    ]
    if len(by_name) == 1:
        return by_name[0]
    if not by_name:
        raise UnitLookupError(f"Không tìm thấy đơn vị “{query}”.")
    names = "; ".join(
        f"{unit} (mã {unit.official_code or unit.slug}, thuộc {unit.parent or 'không có cấp trên'})" for unit in by_name
    )
    raise UnitLookupError(f"Có nhiều đơn vị tên “{query}”: {names}. Hãy dùng mã đơn vị.")


@transaction.atomic
def load_units(rows):
    """Create or update units from seed rows ({slug, name, kind, official_code, parent}), parents first."""
    by_slug: dict[str, Unit] = {}
    pending = list(rows)
    while pending:
        progressed = False
        for row in list(pending):
            parent_slug = row.get("parent")
            if parent_slug and parent_slug not in by_slug:
                continue
            unit, _ = Unit.objects.update_or_create(
                slug=row["slug"],
                defaults={
                    "name": row["name"],
                    "kind": row["kind"],
                    "official_code": row.get("official_code", ""),
                    "parent": by_slug.get(parent_slug),
                },
            )
            by_slug[unit.slug] = unit
            pending.remove(row)
            progressed = True
        if not progressed:
            raise ValueError(f"Đơn vị cấp trên không tồn tại: {[row['parent'] for row in pending]}")
    return by_slug
