"""The printed decision + plan + appendix (Nghị định 30/2020/NĐ-CP layout)."""

from itertools import groupby

from django.template.loader import render_to_string

from tasks.selectors import flatten, plan_table
from tthc_portal.printing import render_pdf


def plan_document_context(plan):
    decision = getattr(plan, "decision", None)  # None for a plan imported without its decision
    sections = plan_table(plan)
    for section in sections:
        section.print_rows = list(flatten(section.rows))
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


def plan_document_html(plan):
    return render_to_string("documents/plan.html", plan_document_context(plan))


def build_plan_pdf(plan):
    return render_pdf(plan_document_html(plan))
