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


def plan_progress(*, plan, period, sheet=None):
    """The Tally of `plan` for `period` (a reports.ReportingPeriod) of the plan's year; from `sheet`
    (tasks.progress.period_sheet of the same plan and period) when the caller has read it already."""
    if sheet is not None:
        leaves = [(row.task, row.key, row.progress.status if row.progress else None) for row in sheet.leaves]
    else:
        statuses = dict(
            TaskProgress.objects.filter(task__section__plan=plan, period=period).values_list("task_id", "status")
        )
        leaves = [
            (task, key, statuses.get(task.pk))
            for section in plan_table(plan)
            for task, key in _leaves_with_keys(section)
        ]
    items = [
        Leaf(
            key=key,
            status=status or TaskProgress.Status.NOT_STARTED,
            due_dates=tuple(date.fromisoformat(d) for d in task.due_dates),
            deadline_kind=task.deadline_kind,
            content=task.content,
        )
        for task, key, status in leaves
    ]
    return tally(items, period.cutoff(plan.year))
