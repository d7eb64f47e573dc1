"""A plan's progress at a reporting period's cut-off: the tally over its leaf contents."""

from collections import defaultdict
from datetime import date

from tasks.models import Section, Task, TaskProgress
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


def plan_tallies(*, plans, period):
    """{plan id: its Tally for `period`} for many plans of one year at once (a few queries in all, not
    a few per plan): the same leaves, keys and rule as plan_progress (tests assert they agree)."""
    plans = list(plans)
    if not plans:
        return {}
    sections = list(Section.objects.filter(plan__in=plans).order_by("plan_id", "order"))
    by_section = {}
    for section in sections:
        section.rows = []
        by_section[section.pk] = section
    tasks = list(
        Task.objects.filter(section__plan__in=plans)
        .only("pk", "section_id", "parent_id", "number", "content", "due_dates", "deadline_kind", "order")
        .order_by("order", "pk")
    )
    children: defaultdict[int, list] = defaultdict(list)
    for task in tasks:
        task.subitems = children[task.pk]
        if task.parent_id:
            children[task.parent_id].append(task)
        else:
            by_section[task.section_id].rows.append(task)
    statuses = dict(
        TaskProgress.objects.filter(task__section__plan__in=plans, period=period).values_list("task_id", "status")
    )
    leaves = defaultdict(list)
    for section in sections:
        for task, key in _leaves_with_keys(section):
            leaves[section.plan_id].append(
                Leaf(
                    key=key,
                    status=statuses.get(task.pk) or TaskProgress.Status.NOT_STARTED,
                    due_dates=tuple(date.fromisoformat(d) for d in task.due_dates),
                    deadline_kind=task.deadline_kind,
                    content=task.content,
                )
            )
    return {plan.pk: tally(leaves[plan.pk], period.cutoff(plan.year)) for plan in plans}
