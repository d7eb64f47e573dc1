"""The printed decision + plan + appendix (Nghị định 30/2020/NĐ-CP layout)."""

import re
from itertools import groupby

from django.template.loader import render_to_string

from tasks.selectors import flatten, plan_table
from tthc_portal.printing import render_pdf

_BLANK = r"(?:[ \t.…_]*)"
_BLANK_NUMBER = re.compile(rf"\b(số:?){_BLANK}/")
_BLANK_SLASH_DATE = re.compile(rf"\bngày{_BLANK}/\s*\d{{1,2}}\s*/\s*\d{{4}}")
_BLANK_WORD_DATE = re.compile(rf"\bngày{_BLANK}tháng\s+\d{{1,2}}\s+năm\s+\d{{4}}")


def attachment_line(line, decision):
    """ "(Ban hành kèm theo Quyết định số     /QĐ-UBND ngày    /01/2024 …)" with the issued decision's
    number and date written into its blanks; a line already filled, or a decision not yet issued, is
    left as it is."""
    if not line or decision is None or not decision.number or not decision.issued_on:
        return line
    day = decision.issued_on
    line = _BLANK_NUMBER.sub(lambda match: f"{match[1]} {decision.number:02d}/", line, count=1)
    line = _BLANK_SLASH_DATE.sub(f"ngày {day:%d/%m/%Y}", line, count=1)
    return _BLANK_WORD_DATE.sub(f"ngày {day:%d} tháng {day:%m} năm {day:%Y}", line, count=1)


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
        "attachment_line": attachment_line(plan.table_attachment_line, decision),
        "appendices": [
            (appendix, list(appendix.rows.all()), attachment_line(appendix.attachment_line, decision))
            for appendix in plan.appendices.all()
        ],
    }


def plan_document_html(plan):
    return render_to_string("documents/plan.html", plan_document_context(plan))


def build_plan_pdf(plan):
    return render_pdf(plan_document_html(plan))
