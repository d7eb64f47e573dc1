"""Writing a plan in the browser: create it with the defaults, then edit the decision's parts and the
task table. Every change runs in a transaction, reads the plan row with select_for_update() and checks
on it that the plan is not locked (permissions.ensure_plan_editable: a submit or an approval racing
the edit cannot slip through) and that the user may edit it (PermissionDenied otherwise), validates
(ValidationError with Vietnamese messages keyed by field) and bumps the plan's version
(Plan.mark_changed). Every change is kept by django-simple-history, with the user.

Two people editing the same thing (optimistic locking): a row, a section and the decision carry a
`revision`, bumped by each change to their content; the form sends back the revision it was loaded
with, and a change to anything loaded at an older revision is refused with EditConflict (who changed
it, when, and the fields that now differ from what the user loaded, read from the history). The
decision's ordered lists (legal bases, articles, recipients), which a save replaces as a whole, and
the table's heading carry a token instead (`list_token`, `heading_token`). Nothing is silently lost:
the user's typed values stay in the form, and saving again (knowingly) replaces the other change.

Numbers are as printed and typed by the user: nothing is renumbered when rows move or are deleted.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from plans.editing import defaults
from plans.editing.conflicts import (
    check_heading_token,
    check_list_token,
    copy_into,
    fresh_row,
    row_conflict,
    row_what,
)
from plans.history.diff import (
    BULLET,
    field_label,
    row_field_labels,
)
from plans.history.diff import (
    DECISION_FIELDS as HISTORY_DECISION_FIELDS,
)
from plans.loading import load_plan
from plans.models import Article, Decision, LegalBasis, Plan, Recipient
from plans.permissions import can_create_plan, can_edit_plan, ensure_plan_editable, is_locked, locked_message
from tasks.models import Section, Task

ROW_CELLS = ("lead", "partners", "deadline_text", "product")
TASK_FIELDS = ("number", "content", *ROW_CELLS)
SECTION_FIELDS = ("number", "title", *ROW_CELLS)
DECISION_FIELDS = (
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
)
DECISION_REQUIRED = {
    "issuing_body": "Cơ quan ban hành không được để trống.",
    "place": "Địa danh không được để trống.",
    "doc_type": "Tên loại văn bản không được để trống.",
    "summary": "Trích yếu không được để trống.",
    "signer_title": "Chức vụ người ký không được để trống.",
}
COLUMN_KEYS = ("number", "content", "lead", "partners", "deadline", "product")
# A due date may fall in the plan's year, or the year before or after it.
YEAR_SLACK = 1
MIN_PLAN_YEAR, MAX_PLAN_YEAR = 2000, 2100


# --- permissions -----------------------------------------------------------------------------------


def denied_message(plan):
    if is_locked(plan):
        return locked_message(plan)
    return (
        f"Bạn không có quyền sửa kế hoạch này: chỉ công chức soạn thảo hoặc quản trị của "
        f"{plan.unit} được sửa kế hoạch khi đang dự thảo hoặc bị trả lại."
    )


def _lock_for_edit(user, plan):
    """Inside the service's transaction: read the plan row with select_for_update() (which also
    serialises concurrent changes to one plan's order and numbers; a no-op on SQLite), refuse a locked
    plan and a user who may not edit it. The caller's `plan` gets the stored status. Returns the
    locked row."""
    locked = Plan.objects.select_for_update(of=("self",)).select_related("unit").get(pk=plan.pk)
    plan.status = locked.status
    ensure_plan_editable(locked)
    if not can_edit_plan(user, locked):
        raise PermissionDenied(denied_message(locked))
    return locked


# --- validation rules ------------------------------------------------------------------------------


def _vn_date(day):
    return f"{day.day}/{day.month}/{day.year}"


def deadline_problem(deadline, *, year):
    """The Vietnamese message when a parsed deadline has a due date outside [year-1, year+1], else ""."""
    for due in deadline.due_dates:
        if abs(due.year - year) > YEAR_SLACK:
            return f"Thời hạn {_vn_date(due)} nằm ngoài năm kế hoạch {year}."
    return ""


def _number_key(number):
    """ "2" and "2." are the same number; "" and "-" (bullets) may repeat."""
    number = number.strip().rstrip(".").strip()
    return None if number in ("", BULLET) else number.casefold()


def _clean_text(value):
    return (value or "").strip()


def _apply(instance, data, fields):
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for field in fields:
        if field in data and field != "deadline_text":
            setattr(instance, field, _clean_text(data[field]))


def _set_deadline(row, data, year, errors):
    text = _clean_text(data.get("deadline_text", row.deadline_text))
    problem = deadline_problem(row.set_deadline(text, year), year=year)
    if problem:
        errors["deadline_text"] = problem


def _validate_task(task, *, plan, errors):
    if not task.content:
        errors["content"] = "Nội dung công việc không được để trống."
    key = _number_key(task.number)
    if key is None:
        return
    siblings = Task.objects.filter(section=task.section, parent=task.parent).exclude(pk=task.pk)
    if any(_number_key(number) == key for number in siblings.values_list("number", flat=True)):
        if task.parent is None:
            errors["number"] = f"Số thứ tự “{task.number}” đã dùng trong mục {task.section.number}."
        else:
            errors["number"] = (
                f"Số thứ tự “{task.number}” đã dùng trong các ý con cùng cấp (mục {task.section.number})."
            )


def _validate_section(section, *, errors):
    if not section.number:
        errors["number"] = "Số mục không được để trống."
    if not section.title:
        errors["title"] = "Tên mục không được để trống."
    key = _number_key(section.number)
    if key is not None:
        others = Section.objects.filter(plan=section.plan).exclude(pk=section.pk).values_list("number", flat=True)
        if any(_number_key(number) == key for number in others):
            errors["number"] = f"Mục “{section.number}” đã có trong kế hoạch."


def suggest_number(*, section, parent=None, after=None):
    """A number for a new row: "-" for a sub-item; otherwise the next whole number after `after`
    (or after the last numbered row), when it is still free; "" when it is not."""
    if parent is not None:
        return BULLET
    top_level = Task.objects.filter(section=section, parent=None).order_by("order", "pk")
    numbers = list(top_level.values_list("number", flat=True))
    used = {_number_key(n) for n in numbers}
    start = after.number if after is not None else next((n for n in reversed(numbers) if _number_key(n)), "0")
    try:
        candidate = str(int(start.strip().rstrip(".")) + 1)
    except ValueError:
        return ""
    return "" if candidate in used else candidate


# --- creating a plan -------------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, unit, year, user):
    """A new draft plan for `unit` and `year`, filled with plans.editing.defaults."""
    if not can_create_plan(user, unit):
        raise PermissionDenied(f"Bạn không có quyền tạo kế hoạch cho {unit}.")
    if not MIN_PLAN_YEAR <= year <= MAX_PLAN_YEAR:
        raise ValidationError({"year": f"Năm kế hoạch phải từ {MIN_PLAN_YEAR} đến {MAX_PLAN_YEAR}."})
    if Plan.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": f"{unit} đã có kế hoạch năm {year}; hãy mở kế hoạch đó để sửa."})
    return load_plan(defaults.new_plan_data(unit, year), unit=unit)


# --- the decision's parts --------------------------------------------------------------------------


DECISION_LABELS = {name: field_label(Decision, name) for name in HISTORY_DECISION_FIELDS}


@transaction.atomic
def update_decision(*, plan, data, user, revision=None):
    """Change the decision's own fields (header, number, date, summary, signer …). `revision`: the
    decision's revision the form was loaded with (EditConflict when it is no longer the stored one)."""
    _lock_for_edit(user, plan)
    decision = Decision.objects.select_for_update().get(plan=plan)  # a refused change leaves plan.decision as stored
    if revision is not None and int(revision) != decision.revision:
        raise row_conflict(Decision, decision, int(revision), DECISION_LABELS, "thông tin quyết định")
    unknown = set(data) - set(DECISION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for field, value in data.items():
        setattr(decision, field, value.strip() if isinstance(value, str) else value)
    errors = {field: message for field, message in DECISION_REQUIRED.items() if not getattr(decision, field)}
    if decision.issued_on and abs(decision.issued_on.year - plan.year) > YEAR_SLACK:
        errors["issued_on"] = f"Ngày ban hành {decision.issued_on:%d/%m/%Y} không khớp với năm kế hoạch {plan.year}."
    if decision.date_month is not None and not 1 <= decision.date_month <= 12:
        errors["date_month"] = "Tháng phải từ 1 đến 12."
    if errors:
        raise ValidationError(errors)
    decision.revision += 1
    decision._history_user = user
    decision.save()
    plan.decision = decision
    plan.mark_changed()
    return decision


@transaction.atomic
def update_table_heading(*, plan, data, user, token=None):
    """The lines above the task table and its column labels: data has table_heading, table_title,
    table_attachment_line and column_labels ({number, content, lead, partners, deadline, product}).
    `token`: heading_token() of what the form was loaded with (EditConflict when it changed since)."""
    locked = _lock_for_edit(user, plan)
    check_heading_token(locked, token)
    plan = copy_into(plan, locked)
    errors: dict[str, str] = {}
    heading = _clean_text(data.get("table_heading", plan.table_heading))
    if not heading:
        errors["table_heading"] = "Tiêu đề bảng không được để trống."
    labels = {**plan.column_labels, **data.get("column_labels", {})}
    for key in COLUMN_KEYS:
        labels[key] = _clean_text(labels.get(key))
        if not labels[key]:
            errors[f"column_{key}"] = "Tên cột không được để trống."
    if errors:
        raise ValidationError(errors)
    plan.table_heading = heading
    plan.table_title = _clean_text(data.get("table_title", plan.table_title))
    plan.table_attachment_line = _clean_text(data.get("table_attachment_line", plan.table_attachment_line))
    plan.column_labels = {key: labels[key] for key in COLUMN_KEYS}
    plan._history_user = user
    plan.save(update_fields=["table_heading", "table_title", "table_attachment_line", "column_labels", "updated_at"])
    plan.mark_changed()
    return plan


def _replace_items(old, new, user):
    """Replace a decision list's items, the history recording both the removal and the new items."""
    for item in old:
        item._history_user = user
        item.delete()
    if new:
        bulk_create_with_history(new, type(new[0]), default_user=user, default_date=timezone.now())


def _numbered(items, what):
    """Messages for the empty items of a list, by their place in it ("Căn cứ thứ 2 …")."""
    return [f"{what} thứ {index} không được để trống." for index, empty in enumerate(items, 1) if empty]


@transaction.atomic
def set_legal_bases(*, plan, texts, user, token=None):
    """Replace the legal bases with `texts`, in that order. `token`: list_token() of what the form was
    loaded with (EditConflict when the list changed since; None: do not check)."""
    _lock_for_edit(user, plan)
    check_list_token(plan.decision, "bases", token)
    texts = [_clean_text(text) for text in texts]
    errors = _numbered([not text for text in texts], "Căn cứ")
    if errors:
        raise ValidationError(errors)
    decision = plan.decision
    _replace_items(
        decision.legal_bases.all(),
        [LegalBasis(decision=decision, order=order, text=text) for order, text in enumerate(texts, 1)],
        user,
    )
    plan.mark_changed()


@transaction.atomic
def set_articles(*, plan, articles, user, token=None):
    """Replace the articles with `articles` ([{label, heading, body, clauses: [str]}]), in that order."""
    _lock_for_edit(user, plan)
    check_list_token(plan.decision, "articles", token)
    cleaned = []
    for article in articles:
        clauses = [_clean_text(clause) for clause in article.get("clauses", []) if _clean_text(clause)]
        cleaned.append(
            {
                "label": _clean_text(article.get("label")),
                "heading": _clean_text(article.get("heading")),
                "body": _clean_text(article.get("body")),
                "clauses": clauses,
            }
        )
    errors = _numbered([not a["label"] for a in cleaned], "Số của điều")
    errors += _numbered([not (a["heading"] or a["body"] or a["clauses"]) for a in cleaned], "Nội dung của điều")
    if errors:
        raise ValidationError(errors)
    decision = plan.decision
    _replace_items(
        decision.articles.all(),
        [Article(decision=decision, order=order, **a) for order, a in enumerate(cleaned, 1)],
        user,
    )
    plan.mark_changed()


@transaction.atomic
def set_recipients(*, plan, recipients, user, token=None):
    """Replace the recipients with `recipients` ([{text, group, level}]), in that order."""
    _lock_for_edit(user, plan)
    check_list_token(plan.decision, "recipients", token)
    cleaned = [
        {"text": _clean_text(r.get("text")), "group": _clean_text(r.get("group")), "level": int(r.get("level") or 1)}
        for r in recipients
    ]
    errors = _numbered([not r["text"] for r in cleaned], "Nơi nhận")
    if errors:
        raise ValidationError(errors)
    decision = plan.decision
    _replace_items(
        decision.recipients.all(),
        [Recipient(decision=decision, order=order, **r) for order, r in enumerate(cleaned, 1)],
        user,
    )
    plan.mark_changed()


def plan_warnings(plan):
    """What is still to fill in before the decision can be issued: every "…" blank left in the
    decision's parts and the table's heading, and a missing signer name."""
    decision = plan.decision
    warnings = []
    labels = {
        "issuing_body": "Cơ quan ban hành",
        "place": "Địa danh",
        "summary": "Trích yếu",
        "authority": "Thẩm quyền ban hành",
        "preamble": "Phần mở đầu",
        "proposal": "Theo đề nghị của",
        "signer_title": "Chức vụ người ký",
        "signer_name": "Họ tên người ký",
    }
    for field, label in labels.items():
        if defaults.has_blank(getattr(decision, field)):
            warnings.append(f"{label} còn chỗ trống “{defaults.BLANK}” cần điền.")
    for basis in decision.legal_bases.all():
        if defaults.has_blank(basis.text):
            warnings.append(f"Căn cứ thứ {basis.order} còn chỗ trống “{defaults.BLANK}” cần điền.")
    for article in decision.articles.all():
        if any(defaults.has_blank(text) for text in (article.heading, article.body, *article.clauses)):
            warnings.append(f"{article.label.rstrip('.')} còn chỗ trống “{defaults.BLANK}” cần điền.")
    for recipient in decision.recipients.all():
        if defaults.has_blank(recipient.text):
            warnings.append(f"Nơi nhận thứ {recipient.order} còn chỗ trống “{defaults.BLANK}” cần điền.")
    if any(defaults.has_blank(text) for text in (plan.table_title, plan.table_attachment_line)):
        warnings.append(f"Tên hoặc dòng “Ban hành kèm theo” của bảng kế hoạch còn chỗ trống “{defaults.BLANK}”.")
    if not decision.signer_name:
        warnings.append("Chưa có họ tên người ký.")
    return warnings


# --- sections --------------------------------------------------------------------------------------


def _place(items, new, index):
    """Put `new` at `index` among `items` (ordered siblings) and store 1..n as their order."""
    items = [item for item in items if item.pk != new.pk]
    items.insert(index, new)
    for order, item in enumerate(items, 1):
        item.order = order
    return items


def _move(items, item, direction):
    """Swap `item` with its neighbour in `direction` ("up"/"down"); returns the changed list or None."""
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
    if index is None:  # deleted by someone else meanwhile
        return None
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return None
    items[index], items[target] = items[target], items[index]
    for order, other in enumerate(items, 1):
        other.order = order
    return items


def _save_order(model, items, before, user):
    """Store the new order of `items` (siblings; `before` = {pk: order} as read), recording it in the
    history; only rows whose order changed are written. A move does not bump a row's revision."""
    changed = [item for item in items if before.get(item.pk, item.order) != item.order]
    if changed:
        bulk_update_with_history(changed, model, ["order"], default_user=user, default_date=timezone.now())


def _orders(items):
    return {item.pk: item.order for item in items}


@transaction.atomic
def add_section(*, plan, data, user, after=None):
    """A new section at the end, or right after section `after`."""
    _lock_for_edit(user, plan)
    section = Section(plan=plan, order=0)
    _apply(section, data, SECTION_FIELDS)
    errors: dict[str, str] = {}
    _set_deadline(section, data, plan.year, errors)
    _validate_section(section, errors=errors)
    if errors:
        raise ValidationError(errors)
    siblings = list(Section.objects.filter(plan=plan).order_by("order", "pk"))
    before = _orders(siblings)
    index = len(siblings) if after is None else next(i for i, s in enumerate(siblings) if s.pk == after.pk) + 1
    section.order = index + 1
    section._history_user = user
    section.save()
    _save_order(Section, _place(siblings, section, index), before, user)
    plan.mark_changed()
    return section


@transaction.atomic
def update_section(*, section, data, user, revision=None):
    """Change a section's number, title or cells. `revision`: the section's revision the form was
    loaded with (EditConflict when someone changed or deleted it since; None: do not check)."""
    plan = section.plan
    _lock_for_edit(user, plan)
    fresh = fresh_row(Section, section, revision, row_field_labels(plan, section=True))
    fresh.plan = plan
    _apply(fresh, data, SECTION_FIELDS)
    errors: dict[str, str] = {}
    _set_deadline(fresh, data, plan.year, errors)
    _validate_section(fresh, errors=errors)
    if errors:
        raise ValidationError(errors)
    fresh.revision += 1
    fresh._history_user = user
    fresh.save()
    copy_into(section, fresh)
    plan.mark_changed()
    return section


@transaction.atomic
def delete_section(*, section, user, revision=None):
    """Delete a section and every row in it. `revision` as for update_section: a section changed by
    someone else since it was shown is not deleted (EditConflict); one already deleted is left so."""
    plan = section.plan
    _lock_for_edit(user, plan)
    fresh = Section.objects.select_for_update().filter(pk=section.pk).first()
    if fresh is None:
        return
    if revision is not None and int(revision) != fresh.revision:
        raise row_conflict(Section, fresh, int(revision), row_field_labels(plan, section=True), row_what(fresh))
    fresh._history_user = user
    fresh.delete()
    plan.mark_changed()


@transaction.atomic
def move_section(*, section, direction, user):
    """Move a section one place up or down; False when it is already first/last (or gone)."""
    plan = section.plan
    _lock_for_edit(user, plan)
    siblings = list(Section.objects.filter(plan=plan).order_by("order", "pk"))
    before = _orders(siblings)
    items = _move(siblings, section, direction)
    if items is None:
        return False
    _save_order(Section, items, before, user)
    plan.mark_changed()
    return True


# --- rows and sub-items ----------------------------------------------------------------------------


def _siblings(section, parent):
    return list(Task.objects.filter(section=section, parent=parent).order_by("order", "pk"))


@transaction.atomic
def add_task(*, section, data, user, parent=None, after=None, source=None):
    """A new row in `section` (a sub-item of `parent` when given): right after the sibling `after`,
    or at the end. `source`: the higher plan's row it is taken from (plans.cascade)."""
    plan = section.plan
    _lock_for_edit(user, plan)
    if parent is not None and parent.section_id != section.pk:
        raise ValueError("The parent row is in another section.")
    if after is not None and (after.section_id != section.pk or after.parent_id != (parent.pk if parent else None)):
        raise ValueError("`after` is not a sibling of the new row.")
    task = Task(section=section, parent=parent, order=0, source=source)
    _apply(task, data, TASK_FIELDS)
    errors: dict[str, str] = {}
    _set_deadline(task, data, plan.year, errors)
    _validate_task(task, plan=plan, errors=errors)
    if errors:
        raise ValidationError(errors)
    siblings = _siblings(section, parent)
    before = _orders(siblings)
    index = len(siblings) if after is None else next(i for i, t in enumerate(siblings) if t.pk == after.pk) + 1
    task.order = index + 1
    task._history_user = user
    task.save()
    _save_order(Task, _place(siblings, task, index), before, user)
    plan.mark_changed()
    return task


@transaction.atomic
def update_task(*, task, data, user, revision=None):
    """Change a row's cells. `revision`: the row's revision the form was loaded with (EditConflict
    when someone changed or deleted the row since; None: do not check). The change is applied to
    the stored row, so fields the caller did not send stay as stored."""
    plan = task.section.plan
    _lock_for_edit(user, plan)
    fresh = fresh_row(Task, task, revision, row_field_labels(plan))
    fresh.section = task.section
    _apply(fresh, data, TASK_FIELDS)
    errors: dict[str, str] = {}
    _set_deadline(fresh, data, plan.year, errors)
    _validate_task(fresh, plan=plan, errors=errors)
    if errors:
        raise ValidationError(errors)
    fresh.revision += 1
    fresh._history_user = user
    fresh.save()
    copy_into(task, fresh)
    plan.mark_changed()
    return task


@transaction.atomic
def delete_task(*, task, user, revision=None):
    """Delete a row and its sub-items (and their recorded progress). `revision` as for update_task:
    a row changed by someone else since it was shown is not deleted (EditConflict); a row already
    deleted is left so."""
    plan = task.section.plan
    _lock_for_edit(user, plan)
    fresh = Task.objects.select_for_update().filter(pk=task.pk).first()
    if fresh is None:
        return
    if revision is not None and int(revision) != fresh.revision:
        raise row_conflict(Task, fresh, int(revision), row_field_labels(plan), row_what(fresh))
    fresh._history_user = user
    fresh.delete()
    plan.mark_changed()


@transaction.atomic
def move_task(*, task, direction, user):
    """Move a row (with its sub-items) one place up or down among its siblings; False at the edge
    (or when the row is gone)."""
    plan = task.section.plan
    _lock_for_edit(user, plan)
    siblings = _siblings(task.section, task.parent)
    before = _orders(siblings)
    items = _move(siblings, task, direction)
    if items is None:
        return False
    _save_order(Task, items, before, user)
    plan.mark_changed()
    return True
