"""Reading a plan's task table."""

from collections import defaultdict

from .models import Section, Task


def plan_table(plan):
    """The plan's sections in order, each with `.rows`: its top-level tasks, each with `.subitems`
    (recursively) — two queries whatever the table's size."""
    sections = list(Section.objects.filter(plan=plan).order_by("order"))
    by_id = {}
    for section in sections:
        section.plan = plan  # no query per row for the plan
        by_id[section.pk] = section
    top: defaultdict[int, list[Task]] = defaultdict(list)
    sub: defaultdict[int, list[Task]] = defaultdict(list)
    for task in Task.objects.filter(section__plan=plan).order_by("order", "pk"):
        task.section = by_id[task.section_id]
        task.subitems = sub[task.pk]
        (sub[task.parent_id] if task.parent_id else top[task.section_id]).append(task)
    for section in sections:
        section.rows = top[section.pk]
    return sections


def flatten(rows, depth=0):
    """Rows and sub-items in print order, as (task, depth)."""
    for task in rows:
        yield task, depth
        yield from flatten(task.subitems, depth + 1)


def leaves(rows):
    """The leaf contents, as the tally counts them: a task with sub-items counts each sub-item."""
    for task in rows:
        if task.subitems:
            yield from leaves(task.subitems)
        else:
            yield task


def leaf_key(section, task, parents):
    """ "II.5", "III.1.2", or "II.1 (3)" for the third bullet under II.1."""
    path = [section.number] + [p.number.rstrip(".") for p in parents if p.number != "-"]
    if task.number == "-":
        return f"{'.'.join(path)} ({task.order})"
    return ".".join(path + [task.number.rstrip(".")])
