"""What changed in a plan, read from the django-simple-history records of the plan, its decision and
the decision's parts (legal bases, articles, recipients), its sections and rows and its appendices.

Two readings, both for people:

- `changes_since_last_submission(plan)`: the plan as the reviewer last received it against the plan
  now, row by row. The baseline is the plan's state at a PlanTransition into "submitted" — the
  last one while the commune is changing the plan (draft, returned), the one before the last while
  the plan is under review or after it (submitted, approved, issued: the last submission *is* the
  current content, so the reviewer wants what changed since the round before). The state at that
  moment is rebuilt with `<Model>.history.as_of(transition.created_at)`. Sections and rows are
  matched by id (then, for a table imported again, by their printed number); the decision's
  ordered lists are compared as lists of texts, since saving one replaces its items.
- `change_log(plan)`: every recorded change grouped into change sets (one save of one person), each
  with who, when and what, field by field, plus the workflow steps.

Texts are compared word by word (difflib) so the template can mark what was removed and added.
"""

import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from plans.models import Appendix, AppendixRow, Article, Decision, LegalBasis, Plan, PlanTransition, Recipient
from tasks.models import Section, Task

TASK_FIELDS = ("number", "content", "lead", "partners", "deadline_text", "product")
SECTION_FIELDS = ("number", "title", "lead", "partners", "deadline_text", "product")
# The column each row field is printed under (Plan.column_labels keys).
COLUMN_OF = {
    "number": "number",
    "content": "content",
    "lead": "lead",
    "partners": "partners",
    "deadline_text": "deadline",
    "product": "product",
}
DECISION_FIELDS = (
    "kind",
    "governing_body",
    "issuing_body",
    "number",
    "number_suffix",
    "place",
    "issued_on",
    "date_month",
    "doc_type",
    "summary",
    "authority",
    "preamble",
    "proposal",
    "signer_prefix",
    "signer_title",
    "signer_name",
    "footnotes",
)
HEADING_FIELDS = ("table_heading", "table_title", "table_attachment_line")
APPENDIX_FIELDS = ("heading", "title", "attachment_line", "note")
APPENDIX_ROW_FIELDS = ("number", "field_name", "procedure_count", "deadline_text")
LISTS = (  # (key, model, title, what one item is called)
    ("bases", LegalBasis, "Căn cứ ban hành", "Căn cứ"),
    ("articles", Article, "Các điều của quyết định", "Điều"),
    ("recipients", Recipient, "Nơi nhận", "Nơi nhận"),
)
BULLET = "-"
# Records of one person closer together than this are one change set (one save).
CHANGE_SET_GAP = timedelta(seconds=2)
# A change set touching more rows than this (an import, a new plan) is summed up, not listed.
SUMMARY_THRESHOLD = 15


def user_label(user):
    """How a person is named in messages: their full name, else their user name."""
    if user is None:
        return "hệ thống (không rõ người thực hiện)"
    return getattr(user, "full_name", "") or user.get_username()


def field_label(model, name):
    return str(model._meta.get_field(name).verbose_name).capitalize()


def row_field_labels(plan, *, section=False):
    """{field: label} for a plan's rows, named as the plan prints its columns."""
    columns = plan.column_labels or {}
    labels = {name: columns.get(COLUMN_OF[name]) or field_label(Task, name) for name in TASK_FIELDS}
    if section:
        return {"number": "Số mục", "title": "Tên mục", **{name: labels[name] for name in SECTION_FIELDS[2:]}}
    return labels


# --- word by word --------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s+|\S+")


def _merge_parts(parts):
    """Join neighbours with the same mark, and swallow a blank between two marked parts, so a
    changed phrase reads as one highlight rather than word, space, word."""
    merged = []
    for text, marked in parts:
        if not text:
            continue
        if merged and merged[-1][1] == marked:
            merged[-1] = (merged[-1][0] + text, marked)
        elif marked and len(merged) >= 2 and not merged[-1][1] and merged[-1][0].isspace() and merged[-2][1]:
            blank = merged.pop()[0]
            merged[-1] = (merged[-1][0] + blank + text, True)
        else:
            merged.append((text, marked))
    return merged


def word_diff(before, after):
    """([(text, removed?)], [(text, added?)]): the two texts cut where words differ."""
    old, new = _TOKEN.findall(before or ""), _TOKEN.findall(after or "")
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    old_parts, new_parts = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_parts.append(("".join(old[i1:i2]), op != "equal"))
        new_parts.append(("".join(new[j1:j2]), op != "equal"))
    return _merge_parts(old_parts), _merge_parts(new_parts)


@dataclass
class FieldChange:
    """One field's value before and after, as shown ("" when empty)."""

    label: str
    before: str
    after: str
    name: str = ""  # the field's name, when it is one

    @cached_property
    def _parts(self):
        return word_diff(self.before, self.after)

    @property
    def before_parts(self):
        return self._parts[0]

    @property
    def after_parts(self):
        return self._parts[1]


def _text(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(_text(item) for item in value)
    if hasattr(value, "strftime"):
        return f"{value:%d/%m/%Y}"
    return str(value)


def field_changes(before, after, labels):
    """[FieldChange] for the fields of `labels` ({field: label}) that differ between two dicts."""
    return [
        FieldChange(label, _text(before.get(name)), _text(after.get(name)), name)
        for name, label in labels.items()
        if _text(before.get(name)) != _text(after.get(name))
    ]


# --- lists compared as texts ---------------------------------------------------------------------


@dataclass
class ItemChange:
    kind: str  # "added", "removed", "changed"
    label: str  # "Căn cứ thứ 3"
    before: str = ""
    after: str = ""

    @cached_property
    def change(self):
        return FieldChange(self.label, self.before, self.after)


@dataclass
class ListDiff:
    title: str
    items: list


def list_diff(title, what, before, after):
    """The items added, removed and changed between two ordered lists of texts (None when equal)."""
    items = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = before[i1:i2], after[j1:j2]
        for k in range(max(len(olds), len(news))):
            if k < len(olds) and k < len(news):
                items.append(ItemChange("changed", f"{what} thứ {j1 + k + 1}", olds[k], news[k]))
            elif k < len(news):
                items.append(ItemChange("added", f"{what} thứ {j1 + k + 1}", after=news[k]))
            else:
                items.append(ItemChange("removed", f"{what} thứ {i1 + k + 1} (cũ)", before=olds[k]))
    return ListDiff(title, items) if items else None


def item_text(key, item):
    """One item of a decision list as one text, for comparing and showing."""
    if key == "bases":
        return item.text
    if key == "articles":
        head = " ".join(part for part in (item.label, item.heading) if part)
        return "\n".join(part for part in (head, item.body, *(item.clauses or [])) if part)
    if key == "recipients":
        return (
            ("+ " if item.level and item.level > 1 else "- ") + item.text + (f" ({item.group})" if item.group else "")
        )
    return str(item)


# --- the plan at one moment ----------------------------------------------------------------------


@dataclass
class RowState:
    pk: int
    is_section: bool
    values: dict
    depth: int = 0
    section_number: str = ""

    @property
    def number(self):
        return self.values.get("number", "")

    @property
    def text(self):
        return self.values.get("title" if self.is_section else "content", "")

    @property
    def key(self):
        """The printed number as a matching key ("2" and "2." alike), None for bullets and blanks."""
        number = (self.number or "").strip().rstrip(".").strip()
        return None if number in ("", BULLET) else (self.depth, number.casefold())

    @property
    def label(self):
        if self.is_section:
            return f"Mục {self.number}"
        if self.number and self.number != BULLET:
            return f"Dòng {self.number} (mục {self.section_number})"
        return f"Ý con “{_short(self.text)}” (mục {self.section_number})"


def _short(text, length=60):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


@dataclass
class SectionState:
    row: RowState
    tasks: list


@dataclass
class Snapshot:
    heading: dict
    decision: dict
    lists: dict
    sections: list
    appendices: list  # [(title, [texts])]


def _values(obj, names):
    return {name: getattr(obj, name) for name in names}


def _objects(model, when):
    return model.history.as_of(when) if when is not None else model.objects.all()


def _table(sections, tasks):
    children = defaultdict(list)
    for task in tasks:
        children[(task.section_id, task.parent_id)].append(task)
    states = []
    for section in sorted(sections, key=lambda s: (s.order, s.pk)):
        rows = []

        def walk(parent_id, depth, section=section, rows=rows):
            for task in sorted(children[(section.pk, parent_id)], key=lambda t: (t.order, t.pk)):
                values = _values(task, TASK_FIELDS)
                rows.append(RowState(task.pk, False, values, depth, section.number))
                walk(task.pk, depth + 1)

        walk(None, 0)
        states.append(SectionState(RowState(section.pk, True, _values(section, SECTION_FIELDS)), rows))
    return states


def snapshot(plan, when=None):
    """The plan's content now (when None), or as its history records it at `when`."""
    source = plan
    if when is not None:
        source = Plan.history.filter(id=plan.pk, history_date__lte=when).order_by("-history_date").first() or plan
    heading = _values(source, HEADING_FIELDS)
    heading.update({f"column:{key}": value for key, value in (source.column_labels or {}).items()})
    decision = _objects(Decision, when).filter(plan_id=plan.pk).first()
    lists = {}
    for key, model, _, _ in LISTS:
        items = _objects(model, when).filter(decision_id=decision.pk) if decision else []
        lists[key] = [item_text(key, item) for item in sorted(items, key=lambda i: (i.order, i.pk))]
    sections = list(_objects(Section, when).filter(plan_id=plan.pk))
    tasks = list(_objects(Task, when).filter(section_id__in=[s.pk for s in sections]))
    appendices = []
    appendix_objects = sorted(_objects(Appendix, when).filter(plan_id=plan.pk), key=lambda a: (a.order, a.pk))
    rows = defaultdict(list)
    for row in _objects(AppendixRow, when).filter(appendix_id__in=[a.pk for a in appendix_objects]):
        rows[row.appendix_id].append(row)
    for appendix in appendix_objects:
        texts = [
            " – ".join(part for part in (row.number, row.field_label, row.deadline_text) if part)
            for row in sorted(rows[appendix.pk], key=lambda r: (r.order, r.pk))
        ]
        appendices.append((appendix.title, texts))
    return Snapshot(
        heading=heading,
        decision=_values(decision, DECISION_FIELDS) if decision else {},
        lists=lists,
        sections=_table(sections, tasks),
        appendices=appendices,
    )


# --- comparing two moments -----------------------------------------------------------------------


@dataclass
class RowChange:
    kind: str  # "added", "removed", "changed"
    row: RowState  # as it is now (added, changed) or was (removed)
    changes: list = field(default_factory=list)  # [FieldChange] for "changed"
    cells: list = field(default_factory=list)  # [(label, value)] for "added" and "removed"

    @property
    def is_section(self):
        return self.row.is_section


@dataclass
class PlanDiff:
    baseline: PlanTransition | None  # the submission compared with (None: nothing to compare with)
    rows: list = field(default_factory=list)
    decision: list = field(default_factory=list)  # [FieldChange]
    lists: list = field(default_factory=list)  # [ListDiff]
    heading: list = field(default_factory=list)  # [FieldChange]

    @property
    def is_empty(self):
        return not (self.rows or self.decision or self.lists or self.heading)

    @property
    def counts(self):
        kinds = Counter(change.kind for change in self.rows)
        return {"added": kinds["added"], "removed": kinds["removed"], "changed": kinds["changed"]}


SIMILAR = 0.6  # two texts this alike (difflib ratio) are the same row, changed


def _alike(old, new):
    if old.depth != new.depth:
        return False
    if old.key is not None and old.key == new.key:
        return True
    return difflib.SequenceMatcher(None, old.text, new.text, autojunk=False).ratio() >= SIMILAR


def _match(olds, news):
    """{index in news: index in olds}: by id first; the rest (a table imported again gets new ids)
    by aligning them in print order — the same depth, number and text is the same row, and within a
    changed stretch, rows at the same place with the same number or a similar text are one row changed."""
    old_by_pk = {row.pk: i for i, row in enumerate(olds)}
    pairs = {j: old_by_pk[row.pk] for j, row in enumerate(news) if row.pk in old_by_pk}
    used = set(pairs.values())
    free_old = [i for i in range(len(olds)) if i not in used]
    free_new = [j for j in range(len(news)) if j not in pairs]
    if not free_old or not free_new:
        return pairs
    signature = lambda row: (row.depth, row.number, row.text)  # noqa: E731
    matcher = difflib.SequenceMatcher(
        None, [signature(olds[i]) for i in free_old], [signature(news[j]) for j in free_new], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("equal", "replace"):
            for i, j in zip(free_old[i1:i2], free_new[j1:j2], strict=False):
                if op == "equal" or _alike(olds[i], news[j]):
                    pairs[j] = i
    return pairs


def _merge(olds, news, pairs):
    """Walk both lists in print order: (old, new) matched, (old, None) removed, (None, new) added;
    a removed item comes where it used to be."""
    matched = set(pairs.values())
    next_old = 0
    for j, new in enumerate(news):
        i = pairs.get(j)
        if i is None:
            yield None, new
            continue
        while next_old < i:
            if next_old not in matched:
                yield olds[next_old], None
            next_old += 1
        next_old = max(next_old, i + 1)
        yield olds[i], new
    for k in range(next_old, len(olds)):
        if k not in matched:
            yield olds[k], None


def _cells(row, labels):
    return [(labels[name], _text(row.values.get(name))) for name in labels if _text(row.values.get(name))]


def _row_changes(old, new, labels):
    if old is None:
        return [RowChange("added", new, cells=_cells(new, labels))]
    if new is None:
        return [RowChange("removed", old, cells=_cells(old, labels))]
    changes = field_changes(old.values, new.values, labels)
    return [RowChange("changed", new, changes=changes)] if changes else []


def diff_snapshots(before, after, plan, baseline=None):
    task_labels = row_field_labels(plan)
    section_labels = row_field_labels(plan, section=True)
    diff = PlanDiff(baseline=baseline)
    section_pairs = _match([s.row for s in before.sections], [s.row for s in after.sections])
    for old, new in _merge(before.sections, after.sections, section_pairs):
        diff.rows += _row_changes(old and old.row, new and new.row, section_labels)
        old_tasks, new_tasks = (old.tasks if old else []), (new.tasks if new else [])
        for old_task, new_task in _merge(old_tasks, new_tasks, _match(old_tasks, new_tasks)):
            diff.rows += _row_changes(old_task, new_task, task_labels)
    diff.heading = field_changes(before.heading, after.heading, _heading_labels(before.heading, after.heading))
    diff.decision = field_changes(
        before.decision, after.decision, {name: field_label(Decision, name) for name in DECISION_FIELDS}
    )
    for key, _, title, what in LISTS:
        changed = list_diff(title, what, before.lists.get(key, []), after.lists.get(key, []))
        if changed:
            diff.lists.append(changed)
    old_appendices, new_appendices = dict(before.appendices), dict(after.appendices)
    for title in [*new_appendices, *[t for t in old_appendices if t not in new_appendices]]:
        changed = list_diff(
            f"Phụ lục: {_short(title, 80)}", "Dòng", old_appendices.get(title, []), new_appendices.get(title, [])
        )
        if changed:
            diff.lists.append(changed)
    return diff


def _heading_labels(*headings):
    labels = {name: field_label(Plan, name) for name in HEADING_FIELDS}
    for heading in headings:
        for key in heading:
            if key.startswith("column:"):
                labels[key] = f"Tên cột “{key.removeprefix('column:')}”"
    return labels


def baseline_submission(plan):
    """The submission the current content is compared with (see the module's docstring), or None."""
    from plans.permissions import EDITABLE_STATES

    submissions = list(
        plan.transitions.filter(to_status=Plan.Status.SUBMITTED).select_related("user").order_by("created_at", "pk")
    )
    if plan.status in EDITABLE_STATES:
        return submissions[-1] if submissions else None
    return submissions[-2] if len(submissions) > 1 else None


def changes_since_last_submission(plan, *, since=None):
    """PlanDiff between the plan at `since` (a PlanTransition; by default `baseline_submission`)
    and the plan now. With no submission to compare with, an empty PlanDiff whose baseline is None."""
    since = since or baseline_submission(plan)
    if since is None:
        return PlanDiff(baseline=None)
    return diff_snapshots(snapshot(plan, since.created_at), snapshot(plan), plan, baseline=since)


# --- the change log ------------------------------------------------------------------------------


@dataclass
class LogLine:
    text: str
    changes: list = field(default_factory=list)  # [FieldChange]
    items: list = field(default_factory=list)  # [ItemChange] for a decision list
    cells: list = field(default_factory=list)  # [(label, value)] of a row added or removed


@dataclass
class LogEntry:
    when: object
    user: object
    lines: list = field(default_factory=list)
    transition: PlanTransition | None = None

    @property
    def who(self):
        return user_label(self.user)


def _plan_records(plan):
    decision_ids = set(Decision.history.filter(plan_id=plan.pk).values_list("id", flat=True))
    section_ids = set(Section.history.filter(plan_id=plan.pk).values_list("id", flat=True))
    appendix_ids = set(Appendix.history.filter(plan_id=plan.pk).values_list("id", flat=True))
    sources = [
        ("plan", Plan.history.filter(id=plan.pk)),
        ("decision", Decision.history.filter(plan_id=plan.pk)),
        *[(key, model.history.filter(decision_id__in=decision_ids)) for key, model, _, _ in LISTS],
        ("section", Section.history.filter(plan_id=plan.pk)),
        ("task", Task.history.filter(section_id__in=section_ids)),
        ("appendix", Appendix.history.filter(plan_id=plan.pk)),
        ("appendix_row", AppendixRow.history.filter(appendix_id__in=appendix_ids)),
    ]
    records = []
    for rank, (kind, queryset) in enumerate(sources):
        records += [
            (record.history_date, rank, record.history_id, kind, record)
            for record in queryset.select_related("history_user")
        ]
    records.sort(key=lambda item: item[:3])
    return [(kind, record) for _, _, _, kind, record in records]


def _change_sets(records):
    groups = []
    for kind, record in records:
        last = groups[-1] if groups else None
        if last and last["user_id"] == record.history_user_id and record.history_date - last["end"] <= CHANGE_SET_GAP:
            last["records"].append((kind, record))
            last["end"] = record.history_date
        else:
            groups.append(
                {
                    "user_id": record.history_user_id,
                    "user": record.history_user,
                    "start": record.history_date,
                    "end": record.history_date,
                    "records": [(kind, record)],
                }
            )
    return groups


_NOUNS = {
    "section": "mục",
    "task": "dòng",
    "bases": "căn cứ",
    "articles": "điều",
    "recipients": "nơi nhận",
    "appendix": "phụ lục",
    "appendix_row": "dòng phụ lục",
}


def _describe(group, previous, section_numbers, plan):
    """The lines of one change set. `previous` maps (kind, id) to the record before, across sets."""
    records = group["records"]
    task_labels, section_labels = row_field_labels(plan), row_field_labels(plan, section=True)
    lines, reordered = [], []
    kinds = Counter((kind, record.history_type) for kind, record in records)
    if kinds[("plan", "+")]:
        made = [f"{count} {_NOUNS[kind]}" for (kind, sign), count in kinds.items() if sign == "+" and kind in _NOUNS]
        return [LogLine("Tạo kế hoạch" + (f": {', '.join(made)}" if made else ""))]
    table_rows = sum(count for (kind, _), count in kinds.items() if kind in ("section", "task"))
    if table_rows > SUMMARY_THRESHOLD:
        added = sum(count for (kind, sign), count in kinds.items() if kind in ("section", "task") and sign == "+")
        removed = sum(count for (kind, sign), count in kinds.items() if kind in ("section", "task") and sign == "-")
        changed = table_rows - added - removed
        parts = [
            f"thêm {added}" if added else "",
            f"xóa {removed}" if removed else "",
            f"sửa {changed}" if changed else "",
        ]
        lines.append(LogLine(f"Thay đổi nhiều dòng của bảng ({', '.join(p for p in parts if p)} mục và dòng)"))
    lists = defaultdict(lambda: ([], []))
    for kind, record in records:
        prev = previous.get((kind, record.id))
        sign = record.history_type
        if kind == "plan" and sign == "~" and prev is not None:
            before, after = _plan_heading(prev), _plan_heading(record)
            changes = field_changes(before, after, _heading_labels(before, after))
            if changes:
                lines.append(LogLine("Sửa tiêu đề và tên cột của bảng", changes=changes))
        elif kind == "decision":
            if sign == "+":
                lines.append(LogLine("Tạo quyết định ban hành"))
            elif prev is not None:
                labels = {name: field_label(Decision, name) for name in DECISION_FIELDS}
                changes = field_changes(_values(prev, DECISION_FIELDS), _values(record, DECISION_FIELDS), labels)
                if changes:
                    lines.append(LogLine("Sửa thông tin quyết định", changes=changes))
        elif kind in ("bases", "articles", "recipients"):
            removed, added = lists[kind]
            (removed if sign == "-" else added).append(record)
        elif kind in ("section", "task") and table_rows <= SUMMARY_THRESHOLD:
            is_section = kind == "section"
            names, labels = (SECTION_FIELDS, section_labels) if is_section else (TASK_FIELDS, task_labels)
            if is_section:
                section_numbers[record.id] = record.number
            row = RowState(
                record.id,
                is_section,
                _values(record, names),
                section_number=section_numbers.get(getattr(record, "section_id", None), "?"),
            )
            if sign == "+":
                lines.append(LogLine(f"Thêm {row.label[0].lower()}{row.label[1:]}", cells=_cells(row, labels)))
            elif sign == "-":
                lines.append(LogLine(f"Xóa {row.label[0].lower()}{row.label[1:]}", cells=_cells(row, labels)))
            elif prev is not None:
                changes = field_changes(_values(prev, names), row.values, labels)
                if changes:
                    lines.append(LogLine(f"Sửa {row.label[0].lower()}{row.label[1:]}", changes=changes))
                elif prev.order != record.order:
                    reordered.append(row.label[0].lower() + row.label[1:])
        elif kind in ("appendix", "appendix_row"):
            names = APPENDIX_FIELDS if kind == "appendix" else APPENDIX_ROW_FIELDS
            model = Appendix if kind == "appendix" else AppendixRow
            verb = {"+": "Thêm", "-": "Xóa", "~": "Sửa"}[sign]
            changes = []
            if sign == "~" and prev is not None:
                changes = field_changes(
                    _values(prev, names), _values(record, names), {n: field_label(model, n) for n in names}
                )
                if not changes:
                    continue
            lines.append(LogLine(f"{verb} {_NOUNS[kind]}", changes=changes))
    for key, _model, title, what in LISTS:
        if key in lists:
            removed, added = lists[key]
            changed = list_diff(title, what, _item_texts(key, removed), _item_texts(key, added))
            if changed:
                lines.append(LogLine(f"Sửa {title[0].lower()}{title[1:]}", items=changed.items))
    if reordered:
        lines.append(LogLine("Đổi thứ tự: " + ", ".join(dict.fromkeys(reordered))))
    return lines


def _plan_heading(record):
    heading = _values(record, HEADING_FIELDS)
    heading.update({f"column:{key}": value for key, value in (record.column_labels or {}).items()})
    return heading


def _item_texts(kind, items):
    return [item_text(kind, item) for item in sorted(items, key=lambda item: (item.order, item.id))]


def change_log(plan):
    """Every recorded change of the plan's content and every workflow step, newest first, as
    [LogEntry]. Sections are named by their number at the time."""
    previous, section_numbers, entries = {}, {}, []
    for section in Section.history.filter(plan_id=plan.pk).order_by("history_date"):
        section_numbers.setdefault(section.id, section.number)
    for group in _change_sets(_plan_records(plan)):
        lines = _describe(group, previous, section_numbers, plan)
        for kind, record in group["records"]:
            previous[(kind, record.id)] = record
        if lines:
            entries.append(LogEntry(when=group["start"], user=group["user"], lines=lines))
    for transition in plan.transitions.select_related("user"):
        entries.append(LogEntry(when=transition.created_at, user=transition.user, transition=transition))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
