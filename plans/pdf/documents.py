"""The printed decision + plan + appendix (Nghị định 30/2020/NĐ-CP layout)."""

from itertools import groupby

from django.template.loader import render_to_string

from tasks.selectors import flatten, plan_table
from tthc_portal.printing import is_long_row, render_pdf

# The plan table's columns and font, as static/print/document.css sets them.
TASK_COLUMNS_MM = {"content": 98, "lead": 33, "partners": 33, "deadline_text": 30, "product": 46}
TASK_FONT_PT = 12


def plan_document_context(plan):
    decision = getattr(plan, "decision", None)  # None for a plan imported without its decision
    sections = plan_table(plan)
    for section in sections:
        section.print_rows = [(task, depth, _is_long(task)) for task, depth in flatten(section.rows)]
    recipients = list(decision.recipients.all()) if decision else []
    return {
        "plan": plan,
        "decision": decision,
        "legal_bases": list(decision.legal_bases.all()) if decision else [],
        "articles": list(decision.articles.all()) if decision else [],
        "recipients": recipients,
        "recipient_groups": [(group, list(items)) for group, items in groupby(recipients, key=lambda r: r.group)],
        "sections": sections,
        "appendices": [(appendix, list(appendix.rows.all())) for appendix in plan.appendices.all()],
    }


def _is_long(task):
    """May split across pages (tthc_portal.printing.is_long_row)."""
    return is_long_row(
        {name: getattr(task, name) for name in TASK_COLUMNS_MM}, widths_mm=TASK_COLUMNS_MM, font_pt=TASK_FONT_PT
    )


def plan_document_html(plan):
    return render_to_string("documents/plan.html", plan_document_context(plan))


def build_plan_pdf(plan):
    return render_pdf(plan_document_html(plan))
