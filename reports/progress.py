"""A plan's progress at a reporting period's cut-off: the tally over its leaf contents."""

from datetime import date

from tasks.models import TaskProgress
from tasks.selectors import plan_table

from .tally import Leaf, tally


def leaf_key(section, task, parents):
    """"II.5", "III.1.2", or "II.1 (3)" for the third bullet under II.1."""
    path = [section.number] + [p.number.rstrip(".") for p in parents if p.number != "-"]
    if task.number == "-":
        return f"{'.'.join(path)} ({task.order})"
    return ".".join(path + [task.number.rstrip(".")])


def _leaves_with_keys(section):
    def walk(rows, parents):
        for task in rows:
            if task.subitems:
                yield from walk(task.subitems, parents + [task])
            else:
                yield task, leaf_key(section, task, parents)

    yield from walk(section.rows, [])


def plan_progress(*, plan, period):
    """The Tally of `plan` for `period` (a reports.ReportingPeriod) of the plan's year."""
    statuses = dict(
        TaskProgress.objects.filter(task__section__plan=plan, period=period).values_list("task_id", "status")
    )
    items = []
    for section in plan_table(plan):
        for task, key in _leaves_with_keys(section):
            items.append(
                Leaf(
                    key=key,
                    status=statuses.get(task.pk, TaskProgress.Status.NOT_STARTED),
                    due_dates=tuple(date.fromisoformat(d) for d in task.due_dates),
                    deadline_kind=task.deadline_kind,
                    content=task.content,
                )
            )
    return tally(items, period.cutoff(plan.year))

