"""The dashboard's commune rows, written in Python: a page carries 50 of them for a province of 300
communes, and the template language spends several times as long on the same cells.
`{% load dashboard_tags %}{% commune_rows page.object_list shows_parent=board.shows_parent %}` writes
the <tr>s of templates/reports/dashboard.html."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

register = template.Library()

DAYS_LONG = 5  # working days: waiting longer than this (issue 13: M = 5 by default) is shown in the warning colour


@register.simple_tag
def commune_rows(rows, *, shows_parent):
    detail = reverse("plans:detail", args=[0])[: -len("0/")]  # "/ke-hoach/": the pk is appended
    return format_html_join("\n", "{}", ((_row(row, detail, shows_parent),) for row in rows))


def _row(row, detail, shows_parent):
    unit, plan = row.unit, row.plan
    parent = format_html(" · {}", unit.parent) if shows_parent and unit.parent_id else ""
    revision = format_html(' <span class="muted">lần {}</span>', plan.revision) if plan and plan.revision > 1 else ""
    submitted = date_format(timezone.localtime(row.submitted_at), "H:i d/m/Y") if row.submitted_at else "—"
    if row.days_waiting is None:
        waiting = "—"
    else:
        waiting = format_html(
            '<span class="{}">{}</span>', "waiting-long" if row.days_waiting > DAYS_LONG else "", row.days_waiting
        )
    link = (
        format_html('<a href="{}{}/" aria-label="Xem kế hoạch của {}">Xem kế hoạch</a>', detail, plan.pk, unit)
        if plan
        else ""
    )
    return format_html(
        '<tr class="{}"><td><span class="unit-name">{}</span><br><span class="muted">{}{}</span></td>'
        '<td><span class="badge status-{}">{}</span>{}</td><td class="nowrap">{}</td><td class="n">{}</td>'
        '<td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="nowrap">{}</td></tr>',
        "" if plan else "no-plan",
        unit.name,
        unit.get_kind_display(),
        parent,
        row.status,
        row.status_label,
        revision,
        submitted,
        waiting,
        "—" if row.rows is None else row.rows,
        _alert(row.overdue_rows),
        _alert(row.kpi_below),
        link,
    )


def _alert(value):
    """A count worth the reviewer's attention in the alert colour; 0 plain, unknown as a dash."""
    if value is None:
        return "—"
    return format_html('<span class="alert">{}</span>', value) if value else "0"
