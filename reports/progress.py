"""A plan's progress at a reporting period's cut-off: the tally over its leaf contents."""

from datetime import date

from tasks.models import TaskProgress
from tasks.selectors import leaf_key, plan_table

from .tally import Leaf, tally


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
