"""Changes to a plan's task table and its progress."""

from functools import cache

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, DateTimeField, IntegerField, Value
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

from .deadlines import parse_deadline
from .models import ProgressEvidence, Section, Task, TaskProgress

CELL_KEYS = ("lead", "partners", "product")


def create_table(*, plan, sections, user=None, when=None):
    """Write a plan's sections and rows (the nested seed/import shape) in bulk: a few queries for the
    whole table, whatever its size. Returns {(section number, path of row numbers): Task}. Every
    section and row gets its "created" history record (django-simple-history), also in bulk, by `user`
    (None: the user of the request being served, if any) at `when` (default: now)."""
    record = {"history_type": "+", "user": user, "when": when or timezone.now()}
    meaning = cache(lambda text: parse_deadline(text, plan.year))  # a table repeats a few deadline texts

    def set_deadline(row, data):
        text = data.get("deadline", "") or ""
        row.set_deadline(text, plan.year, parsed=meaning(text))

    created_sections = []
    for order, data in enumerate(sections, start=1):
        section = Section(plan=plan, order=order, number=data["number"], title=data["title"])
        for cell in CELL_KEYS:
            setattr(section, cell, data.get(cell, "") or "")
        set_deadline(section, data)
        created_sections.append(section)
    Section.objects.bulk_create(created_sections)

    known = _existing_rows(sections)
    rows_by_key: dict[tuple[str, ...], tuple[Task, dict]] = {}
    level: list[tuple[Section, Task | None, list, tuple[str, ...]]] = [
        (section, None, data.get("tasks", []), (section.number,))
        for section, data in zip(created_sections, sections, strict=True)
    ]
    while level:  # one bulk insert per depth
        batch: list[tuple[Task, dict, tuple[str, ...]]] = []
        next_level: list[tuple[Section, Task | None, list, tuple[str, ...]]] = []
        for section, parent, rows, key in level:
            for order, data in enumerate(rows, start=1):
                task = Task(
                    section=section, parent=parent, order=order, number=data.get("number", ""), content=data["content"]
                )
                for cell in CELL_KEYS:
                    setattr(task, cell, data.get(cell, "") or "")
                set_deadline(task, data)
                task.origin_id = data.get("id") if data.get("id") in known else None
                task.source_id = data.get("source") if data.get("source") in known else None
                row_key = key + (f"{order}:{task.number}",)
                batch.append((task, data, row_key))
        Task.objects.bulk_create([task for task, _, _ in batch])
        for task, data, row_key in batch:
            rows_by_key[row_key] = (task, data)
            if data.get("children"):
                next_level.append((task.section, task, data["children"], row_key))
        level = next_level
    # The history records of the whole table, copied by the database in two statements.
    _record_history(Section.objects.filter(pk__in=[section.pk for section in created_sections]), **record)
    _record_history(Task.objects.filter(section__in=created_sections), **record)
    return rows_by_key


def delete_table(*, plan, user=None, when=None):
    """Delete a plan's sections and rows in a few queries, whatever their number. Every section and row
    gets its "deleted" history record, in bulk, by `user` (None: the user of the request being served,
    if any) at `when` (default: now); their progress and its evidence go with them; rows of other plans
    copied or taken from them keep their text and lose the link. What other apps keep pointing at the
    rows (a reviewer's comment) must let go of them first: the database refuses the transaction otherwise.

    Django's own delete would write the history records one by one (django-simple-history listens to
    each row's post_delete): one INSERT per row."""
    now = when or timezone.now()
    sections = Section.objects.filter(plan=plan)
    tasks = Task.objects.filter(section__plan=plan)
    progress = TaskProgress.objects.filter(task__in=tasks)
    evidence = ProgressEvidence.objects.filter(progress__in=progress)
    _record_history(sections, history_type="-", user=user, when=now)
    _record_history(tasks, history_type="-", user=user, when=now)
    Task.objects.filter(source__in=tasks).update(source=None)
    Task.objects.filter(origin__in=tasks).update(origin=None)
    # One DELETE each, what on_delete=CASCADE removes first, without the delete signals: only
    # django-simple-history listens to them, and the records are written above. (A queryset's delete()
    # would load every row into Python, send the signals row by row, and delete the progress 100 at a time.)
    for rows in (evidence, progress, tasks, sections):
        rows._raw_delete(rows.db)


def _record_history(rows, *, history_type, user, when):
    """Write the history record ("+" created, "~" changed, "-" deleted) of every row of the queryset
    `rows` in one INSERT … SELECT: the database copies the rows as stored into the history table, the
    records django-simple-history would write, without sending every row to Python and back."""
    history = get_history_model_for_model(rows.model)
    if user is None:  # whom django-simple-history names: the user of the request being served, if any
        user = history.get_default_history_user(rows.model())
    fields = [field for field in history.tracked_fields if not field.generated]
    copied = (
        rows.order_by("pk")
        .annotate(
            record_date=Value(when, DateTimeField()),
            record_type=Value(history_type, CharField()),
            record_user=Value(user.pk if user is not None else None, IntegerField()),
        )
        .values_list(*[field.attname for field in fields], "record_date", "record_type", "record_user")
    )
    try:
        select, params = copied.query.sql_with_params()
    except EmptyResultSet:  # no rows (an empty table)
        return
    connection = connections[rows.db]
    columns = [field.column for field in fields] + ["history_date", "history_type", "history_user_id"]
    table = connection.ops.quote_name(history._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(map(connection.ops.quote_name, columns))}) {select}", params)


def _existing_rows(sections):
    """The ids among the rows' "id" (what a copied row was copied from) and "source" (the higher row
    it was taken from) that still exist: a link to a row deleted since is dropped, not an error."""
    ids: set[int] = set()
    stack = [row for section in sections for row in section.get("tasks", [])]
    while stack:
        row = stack.pop()
        ids.update(value for value in (row.get("id"), row.get("source")) if isinstance(value, int))
        stack.extend(row.get("children") or [])
    return set(Task.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def record_results(*, period, results):
    """Store progress rows: results is [(task, {"status", "text"})]; replaces what the period had."""
    TaskProgress.objects.filter(task__in=[task for task, _ in results], period=period).delete()
    TaskProgress.objects.bulk_create(
        TaskProgress(task=task, period=period, status=result["status"], result_text=result.get("text", ""))
        for task, result in results
    )
