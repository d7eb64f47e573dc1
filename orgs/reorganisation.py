"""Applying a reorganisation of the unit tree (the 2025 one: districts dissolved, provinces and communes
merged), all or nothing, audited — `manage.py reorganise FILE.json` and the admin call `reorganise`.

The file::

    {"effective": "2025-07-01",
     "operations": [
        {"op": "dissolve", "unit": U},                       # its children move to its parent
        {"op": "merge", "units": [U, ...], "into": {"name": ..., "kind": ..., "parent": U or null}},
        {"op": "merge", "units": [U, ...], "into": U},         # into an existing unit
        {"op": "move", "unit": U, "parent": U},
        {"op": "rename", "unit": U, "name": ..., "kind": ...}],
     "memberships": [{"from": U, "to": U}, ...]}              # applied after the operations

U is a unit's official code, internal code (slug) or exact name, as `--unit` takes it, or the name of a
unit the file creates. `kind` takes the words the documents use (tỉnh, thành phố, xã, phường, thị trấn,
đặc khu …) or the codes the admin shows.

What it does: a dissolved or merged unit ends on the effective date (`valid_until`) and nothing is
deleted: its plans, progress, reports and history stay, read-only, readable from its successor (a
merged unit becomes a predecessor of the unit it was merged into). Memberships of an ended unit end on
the effective date — a dissolved district's reviewers do not silently become the province's — unless
the file maps them to another unit. Every change to a unit is kept in its history with the effective
date, so the tree of any day can still be shown.

A file that cannot be applied (an unknown unit, a cycle, a unit merged twice or already ended, a date
before a unit's start, a malformed operation) raises ReorganisationError naming the operation, and
changes nothing.
"""

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.text import slugify

from .audit import record
from .models import AuditEvent, Membership, Unit
from .services import UnitLookupError, find_unit

KIND_WORDS = {
    "trung ương": Unit.Kind.NATION,
    "tỉnh": Unit.Kind.PROVINCE,
    "thành phố": Unit.Kind.CITY,
    "thành phố trực thuộc trung ương": Unit.Kind.CITY,
    "huyện": Unit.Kind.DISTRICT,
    "quận": Unit.Kind.DISTRICT,
    "thị xã": Unit.Kind.DISTRICT,
    "xã": Unit.Kind.COMMUNE,
    "phường": Unit.Kind.WARD,
    "thị trấn": Unit.Kind.TOWNSHIP,
    "đặc khu": Unit.Kind.SPECIAL_ZONE,
}
OPERATIONS = ("dissolve", "merge", "move", "rename")


class ReorganisationError(Exception):
    """Why a reorganisation file cannot be applied (Vietnamese, naming the operation)."""


@dataclass
class Result:
    effective: date
    changes: list[str] = field(default_factory=list)  # one Vietnamese line per change, in order
    applied: bool = False

    def as_dict(self):
        return {"effective": self.effective.isoformat(), "applied": self.applied, "changes": self.changes}


def parse_file(text):
    """The reorganisation as data, from the file's text (ReorganisationError for what is not JSON)."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as error:
        raise ReorganisationError(f"Tệp tổ chức lại không phải JSON hợp lệ: {error}.") from error
    if not isinstance(data, dict):
        raise ReorganisationError("Tệp tổ chức lại phải là một đối tượng JSON có “effective” và “operations”.")
    return data


def kind_of(word, where):
    """A Unit.Kind from a word of the documents ("đặc khu") or a code ("dac_khu")."""
    text = unicodedata.normalize("NFC", str(word or "")).strip().casefold()
    if text in Unit.Kind.values:
        return text
    if text in KIND_WORDS:
        return KIND_WORDS[text]
    raise ReorganisationError(f"{where}: không hiểu cấp đơn vị “{word}” (ví dụ: tỉnh, thành phố, xã, phường, đặc khu).")


def reorganise(data, *, actor=None, dry_run=False):
    """Apply the reorganisation `data` (the file's content as data); with dry_run, only say what it
    would change. Returns a Result; raises ReorganisationError and changes nothing when it cannot."""
    effective = _effective(data)
    operations = data.get("operations")
    if not isinstance(operations, list) or not operations:
        raise ReorganisationError("Tệp tổ chức lại cần danh sách “operations” (ít nhất một thao tác).")
    result = Result(effective=effective)
    with transaction.atomic():
        run = _Run(effective=effective, result=result)
        for index, operation in enumerate(operations, 1):
            run.apply(index, operation)
        run.map_memberships(data.get("memberships") or [])
        run.end_memberships()
        if dry_run:
            transaction.set_rollback(True)
            return result
        record(actor=actor, action=AuditEvent.Action.UNITS_REORGANISED, effective=effective, changes=result.changes)
    result.applied = True
    return result


def _effective(data):
    try:
        return date.fromisoformat(str(data.get("effective", "")))
    except ValueError as error:
        raise ReorganisationError("“effective” phải là ngày có hiệu lực, dạng 2025-07-01.") from error


class _Run:
    def __init__(self, *, effective, result):
        self.effective, self.result = effective, result
        self.created = {}  # name or slug → unit the file creates
        self.merged = {}  # pk → the operation that merged it
        self.ended = []  # units ended by this file, whose memberships end unless mapped
        self.mapped = set()  # membership pks the file moved

    # --- finding units ----------------------------------------------------------------------------

    def unit(self, reference, where):
        if isinstance(reference, str) and reference in self.created:
            return self.created[reference]
        if not isinstance(reference, str | int) or not str(reference).strip():
            raise ReorganisationError(f"{where}: thiếu đơn vị.")
        try:
            unit = find_unit(str(reference))
        except UnitLookupError as error:
            raise ReorganisationError(f"{where}: {error}") from error
        if unit.has_ended(self.effective):
            raise ReorganisationError(f"{where}: {unit} đã hết hiệu lực từ {unit.valid_until:%d/%m/%Y}.")
        if unit.valid_from and unit.valid_from > self.effective:
            raise ReorganisationError(
                f"{where}: ngày có hiệu lực {self.effective:%d/%m/%Y} trước ngày {unit} bắt đầu "
                f"({unit.valid_from:%d/%m/%Y})."
            )
        return unit

    # --- the operations ----------------------------------------------------------------------------

    def apply(self, index, operation):
        name = operation.get("op") if isinstance(operation, dict) else None
        where = f"Thao tác {index} ({name or '?'})"
        if name not in OPERATIONS:
            raise ReorganisationError(f"{where}: không có thao tác này; các thao tác: {', '.join(OPERATIONS)}.")
        getattr(self, name)(operation, where)

    def dissolve(self, operation, where):
        unit = self.unit(operation.get("unit"), where)
        if unit.parent is None:
            raise ReorganisationError(f"{where}: {unit} không có đơn vị cấp trên để nhận các đơn vị trực thuộc.")
        children = list(unit.children.all())
        for child in children:
            self._save(child, parent=unit.parent)
        self._end(unit)
        self.result.changes.append(
            f"Giải thể {unit}: {len(children)} đơn vị trực thuộc chuyển về {unit.parent}; {unit} hết hiệu lực."
        )

    def merge(self, operation, where):
        references = operation.get("units")
        if not isinstance(references, list) or not references:
            raise ReorganisationError(f"{where}: cần danh sách “units” các đơn vị được hợp nhất.")
        units = []
        for reference in references:
            unit = self._any_unit(reference, where)
            if unit.pk in self.merged:
                raise ReorganisationError(f"{where}: {unit} đã được hợp nhất ở {self.merged[unit.pk]}.")
            units.append(self.unit(reference, where))
            self.merged[unit.pk] = where
        target = self._merge_target(operation.get("into"), units, where)
        if target.pk in {unit.pk for unit in units}:
            raise ReorganisationError(f"{where}: {target} không thể được hợp nhất vào chính nó.")
        for unit in units:
            for child in unit.children.all():
                self._check_not_below(target, child, where)
                self._save(child, parent=target)
            target.predecessors.add(unit)
            self._end(unit)
        names = ", ".join(str(unit) for unit in units)
        self.result.changes.append(f"Hợp nhất {names} thành {target}; các đơn vị được hợp nhất hết hiệu lực.")

    def move(self, operation, where):
        unit = self.unit(operation.get("unit"), where)
        parent = self.unit(operation.get("parent"), where)
        self._check_not_below(parent, unit, where)
        before = unit.parent
        self._save(unit, parent=parent)
        self.result.changes.append(f"Chuyển {unit} từ {before or 'cấp cao nhất'} về {parent}.")

    def rename(self, operation, where):
        unit = self.unit(operation.get("unit"), where)
        before = str(unit)
        name = str(operation.get("name") or unit.name).strip()
        kind = kind_of(operation["kind"], where) if operation.get("kind") else unit.kind
        self._save(unit, name=name, kind=kind)
        self.result.changes.append(f"Đổi tên {before} thành {unit}.")

    # --- memberships -------------------------------------------------------------------------------

    def map_memberships(self, mappings):
        if not isinstance(mappings, list):
            raise ReorganisationError('“memberships” phải là danh sách {"from": …, "to": …}.')
        for index, mapping in enumerate(mappings, 1):
            where = f"Chuyển thành viên {index}"
            if not isinstance(mapping, dict):
                raise ReorganisationError(f'{where}: cần {{"from": đơn vị, "to": đơn vị}}.')
            source = self._any_unit(mapping.get("from"), where)
            target = self.unit(mapping.get("to"), where)
            moved = 0
            for membership in source.memberships.filter(ended_on__isnull=True):
                Membership.objects.update_or_create(
                    user=membership.user, unit=target, role=membership.role, defaults={"ended_on": None}
                )
                self.mapped.add(membership.pk)
                membership.ended_on = self.effective
                membership.save(update_fields=["ended_on"])
                moved += 1
            self.result.changes.append(f"Chuyển {moved} thành viên của {source} sang {target}.")

    def end_memberships(self):
        for unit in self.ended:
            ending = unit.memberships.filter(ended_on__isnull=True).exclude(pk__in=self.mapped)
            count = ending.update(ended_on=self.effective)
            if count:
                self.result.changes.append(
                    f"Kết thúc {count} thành viên của {unit} (không được chuyển sang đơn vị mới)."
                )

    # --- helpers -----------------------------------------------------------------------------------

    def _merge_target(self, into, units, where):
        if isinstance(into, dict):
            name = str(into.get("name") or "").strip()
            if not name:
                raise ReorganisationError(f"{where}: đơn vị mới (“into”) cần “name”.")
            kind = kind_of(into.get("kind") or units[0].kind, where)
            parent = self.unit(into["parent"], where) if into.get("parent") else None
            unit = Unit(name=name, kind=kind, parent=parent, slug=self._slug(name, parent), valid_from=self.effective)
            unit._history_effective = self.effective
            unit.save()
            self.created[name] = self.created[unit.slug] = unit
            self.result.changes.append(f"Thành lập {unit} (thuộc {parent or 'cấp cao nhất'}).")
            return unit
        return self.unit(into, where)

    def _any_unit(self, reference, where):
        """A unit the file may already have ended (a membership mapping's source)."""
        if isinstance(reference, str) and reference in self.created:
            return self.created[reference]
        try:
            return find_unit(str(reference or ""))
        except UnitLookupError as error:
            raise ReorganisationError(f"{where}: {error}") from error

    def _check_not_below(self, parent, unit, where):
        if parent.pk == unit.pk or parent.path.startswith(unit.path):
            raise ReorganisationError(f"{where}: {parent} nằm dưới {unit}: một đơn vị không thể nằm dưới chính nó.")

    def _slug(self, name, parent):
        base = slugify(unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D")))[:60] or "don-vi"
        if parent is not None:
            base = f"{parent.slug[:20]}-{base}"[:70]
        slug, number = base, 2
        while Unit.objects.filter(slug=slug).exists():
            slug, number = f"{base}-{number}", number + 1
        return slug

    def _save(self, unit, **changes):
        for name, value in changes.items():
            setattr(unit, name, value)
        unit._history_effective = self.effective  # the tree of any day: the change holds from its effective day
        unit.save()

    def _end(self, unit):
        self._save(unit, valid_until=self.effective)
        self.ended.append(unit)
