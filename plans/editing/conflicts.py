"""Two people editing the same thing (optimistic locking): a row, a section and the decision carry a
`revision`, bumped by each change to their content; the form sends back the revision it was loaded
with, and a change to anything loaded at an older revision is refused with EditConflict (who changed
it, when, and the fields that now differ from what the user loaded, read from the history). The
decision's ordered lists (legal bases, articles, recipients), which a save replaces as a whole, and
the table's heading carry a token instead (`list_token`, `heading_token`)."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.utils import timezone

from plans.history.diff import (
    BULLET,
    FieldChange,
    field_changes,
    field_label,
    item_text,
    list_diff,
    user_label,
)
from plans.history.diff import (
    LISTS as HISTORY_LISTS,
)
from plans.models import Plan
from tasks.models import Section


class EditConflict(ValidationError):
    """A change refused because someone else changed (or deleted) the same thing after this user
    loaded it. `by` (a name), `at` (when), `changes` ([FieldChange] or [ItemChange]: what this user
    loaded → what is stored now), `deleted`, and `current` (the revision or token to send back to
    replace the other change knowingly)."""

    def __init__(self, *, what, by, at, changes=(), deleted=False, current=None):
        self.what, self.by, self.at, self.changes = what, by, at, list(changes)
        self.deleted, self.current = deleted, current
        super().__init__(self.compose(), code="conflict")

    @property
    def at_text(self):
        return f"{timezone.localtime(self.at):%H:%M ngày %d/%m/%Y}" if self.at else "vừa rồi"

    @property
    def by_field(self):
        """{field name: FieldChange} of the fields that differ, for showing next to each field."""
        return {change.name: change for change in self.changes if getattr(change, "name", "")}

    def compose(self):
        if self.deleted:
            return (
                f"Chưa lưu: {self.what} đã bị {self.by} xóa lúc {self.at_text}. Nội dung bạn nhập vẫn còn trong ô: "
                "hãy sao chép lại nếu cần thêm lại."
            )
        shown = "; ".join(
            f"{change.label}: nay là “{change.after}” (lúc bạn mở: “{change.before}”)" for change in self.changes
        )
        return (
            f"Chưa lưu: {self.what} vừa được {self.by} sửa lúc {self.at_text}, sau khi bạn mở để sửa."
            + (f" {shown}." if shown else "")
            + " Nội dung bạn nhập vẫn còn trong ô; xem lại rồi bấm Lưu lần nữa nếu vẫn muốn thay bằng nội dung của bạn."
        )


def row_what(row):
    if isinstance(row, Section):
        return f"mục {row.number}"
    return f"dòng {row.number}" if row.number and row.number != BULLET else f"ý con “{row.content[:40]}”"


def row_conflict(model, row, loaded_revision, labels, what):
    """EditConflict for `row` (stored now at another revision than `loaded_revision`), from its history."""
    history = model.history.filter(id=row.pk)
    loaded = history.filter(revision=loaded_revision).order_by("history_date").first()
    newer = list(history.filter(revision__gt=loaded_revision).select_related("history_user").order_by("history_date"))
    authors = list(dict.fromkeys(user_label(record.history_user) for record in newer)) or [user_label(None)]
    at = newer[-1].history_date if newer else None
    current = {name: getattr(row, name) for name in labels}
    changes = (
        field_changes({name: getattr(loaded, name) for name in labels}, current, labels)
        if loaded
        else [FieldChange(label, "(không rõ)", str(current[name] or ""), name) for name, label in labels.items()]
    )
    return EditConflict(what=what, by=", ".join(authors), at=at, changes=changes, current=row.revision)


def deleted_conflict(model, pk, what):
    record = (
        model.history.filter(id=pk, history_type="-").select_related("history_user").order_by("-history_date").first()
    )
    return EditConflict(
        what=what,
        by=user_label(record.history_user if record else None),
        at=record.history_date if record else None,
        deleted=True,
    )


def fresh_row(model, row, revision, labels):
    """The stored row, locked (select_for_update); EditConflict when it was deleted, or when
    `revision` (what the user loaded; None: do not check) is no longer the stored one."""
    fresh = model.objects.select_for_update().filter(pk=row.pk).first()
    if fresh is None:
        raise deleted_conflict(model, row.pk, row_what(row))
    if revision is not None and int(revision) != fresh.revision:
        raise row_conflict(model, fresh, int(revision), labels, row_what(fresh))
    return fresh


def copy_into(target, source):
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def _list_model(kind):
    return next(model for key, model, _, _ in HISTORY_LISTS if key == kind)


def list_token(decision, kind):
    """A token for the decision's list `kind` ("bases", "articles", "recipients") as stored now:
    the id of its newest history record (0 when it has none). Saving the list changes it."""
    model = _list_model(kind)
    latest = (
        model.history.filter(decision_id=decision.pk)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return str(latest or 0)


def check_list_token(decision, kind, token):
    if token is None:
        return
    current = list_token(decision, kind)
    if str(token) == current:
        return
    key, model, title, what = next(entry for entry in HISTORY_LISTS if entry[0] == kind)
    latest = (
        model.history.filter(history_id=int(current)).select_related("history_user").first() if current != "0" else None
    )
    loaded_record = model.history.filter(history_id=int(token)).first() if str(token).isdigit() and int(token) else None
    current_items = [item_text(kind, item) for item in model.objects.filter(decision=decision).order_by("order", "pk")]
    if loaded_record is not None:
        loaded = model.history.as_of(loaded_record.history_date).filter(decision_id=decision.pk)
        loaded_items = [item_text(kind, item) for item in sorted(loaded, key=lambda i: (i.order, i.pk))]
    else:
        loaded_items = []
    changed = list_diff(title, what, loaded_items, current_items)
    raise EditConflict(
        what=f"danh sách “{title.lower()}”",
        by=user_label(latest.history_user if latest else None),
        at=latest.history_date if latest else None,
        changes=changed.items if changed else [],
        current=current,
    )


HEADING_TOKEN_FIELDS = ("table_heading", "table_title", "table_attachment_line", "column_labels")


def heading_token(plan):
    """A token for the table's heading and column labels as stored in `plan` (a content hash)."""
    values = [getattr(plan, name) for name in HEADING_TOKEN_FIELDS]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def check_heading_token(locked, token):
    if token is None or token == heading_token(locked):
        return
    records = list(Plan.history.filter(id=locked.pk).select_related("history_user").order_by("-history_date"))
    current = heading_token(locked)
    # Who set the current heading: the oldest record of the newest run that has it.
    author = None
    for record in records:
        if heading_token(record) != current:
            break
        author = record
    loaded = next((record for record in records if heading_token(record) == token), None)
    labels = {name: field_label(Plan, name) for name in HEADING_TOKEN_FIELDS}
    changes = field_changes(
        {name: _labels_text(getattr(loaded, name)) for name in labels} if loaded else {},
        {name: _labels_text(getattr(locked, name)) for name in labels},
        labels,
    )
    raise EditConflict(
        what="tiêu đề và tên cột của bảng",
        by=user_label(author.history_user if author else None),
        at=author.history_date if author else None,
        changes=changes,
        current=current,
    )


def _labels_text(value):
    if isinstance(value, dict):
        return "; ".join(f"{key}: {text}" for key, text in value.items())
    return value
