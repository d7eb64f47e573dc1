"""Changes to a plan's task table and its progress."""

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from .models import Section, Task, TaskProgress

CELL_KEYS = ("lead", "partners", "product")


def create_table(*, plan, sections):
    """Write a plan's sections and rows (the nested seed/import shape) in bulk: a few queries for the
    whole table, whatever its size. Returns {(section number, path of row numbers): Task}. Every
    section and row gets its "created" history record (django-simple-history), also in bulk."""
    now = timezone.now()
    created_sections = []
    for order, data in enumerate(sections, start=1):
        section = Section(plan=plan, order=order, number=data["number"], title=data["title"])
        for cell in CELL_KEYS:
            setattr(section, cell, data.get(cell, "") or "")
        section.set_deadline(data.get("deadline", "") or "", plan.year)
        created_sections.append(section)
    bulk_create_with_history(created_sections, Section, default_date=now)

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
                task.set_deadline(data.get("deadline", "") or "", plan.year)
                task.origin_id = data.get("id") if data.get("id") in known else None
                task.source_id = data.get("source") if data.get("source") in known else None
                row_key = key + (f"{order}:{task.number}",)
                batch.append((task, data, row_key))
        bulk_create_with_history([task for task, _, _ in batch], Task, default_date=now)
        for task, data, row_key in batch:
            rows_by_key[row_key] = (task, data)
            if data.get("children"):
                next_level.append((task.section, task, data["children"], row_key))
        level = next_level
    return rows_by_key


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
