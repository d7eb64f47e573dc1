"""A plan as plain data, in the shape of fixtures/plans/*.json (see fixtures/README.md) — the
inverse of plans.loading.load_plan. Used to copy a plan, to compare plans, and for exports."""

from plans.loading import DECISION_FIELDS
from plans.parts import dump_parts
from tasks.selectors import plan_table

CELLS = ("lead", "partners", "product")


def _row(task, links):
    row = {
        "number": task.number,
        "content": task.content,
        **{cell: getattr(task, cell) for cell in CELLS},
        "deadline": task.deadline_text,
        "children": [_row(child, links) for child in task.subitems],
        "result": None,
    }
    if links:  # the row it is (the copy's origin) and the higher plan's row it was taken from
        row["id"], row["source"] = task.pk, task.source_id
    return row


def table_to_data(plan, *, links=False):
    return [
        {
            "number": section.number,
            "title": section.title,
            **{cell: getattr(section, cell) for cell in CELLS},
            "deadline": section.deadline_text,
            "tasks": [_row(task, links) for task in section.rows],
        }
        for section in plan_table(plan)
    ]


def plan_to_data(plan, *, links=False):
    """`links`: each row also carries its id and its source row's id (a copy of the plan keeps them)."""
    decision = plan.decision
    return {
        "source": plan.source,
        "unit": plan.unit.slug,
        "year": plan.year,
        "document": {
            **{key: getattr(decision, key) for key in DECISION_FIELDS},
            "date": decision.issued_on.isoformat() if decision.issued_on else None,
            "legal_bases": [basis.text for basis in decision.legal_bases.all()],
            "articles": [
                {"label": a.label, "heading": a.heading, "body": a.body, "clauses": list(a.clauses)}
                for a in decision.articles.all()
            ],
            "recipients": [{"text": r.text, "group": r.group, "level": r.level} for r in decision.recipients.all()],
        },
        "table": {
            "heading": plan.table_heading,
            "title": plan.table_title,
            "attachment_line": plan.table_attachment_line,
            "columns": dict(plan.column_labels),
            "sections": table_to_data(plan, links=links),
        },
        "appendices": [
            {
                "kind": appendix.kind,
                "heading": appendix.heading,
                "title": appendix.title,
                "attachment_line": appendix.attachment_line,
                "columns": dict(appendix.column_labels),
                "rows": [
                    {
                        "number": r.number,
                        "field": r.field_name,
                        "procedure_count": r.procedure_count,
                        "deadline": r.deadline_text,
                    }
                    for r in appendix.rows.all()
                ],
                "note": appendix.note,
            }
            for appendix in plan.appendices.all()
        ],
        **dump_parts(plan),  # the KPI targets (plans.parts)
        "report": None,
    }
