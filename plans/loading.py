"""Builds a whole plan (decision, table, appendices, and the parts other apps keep: the KPI targets)
from the nested data shape of fixtures/plans/*.json (described in fixtures/README.md). A seed plan's
reported results are the demo loader's (demo.seed)."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from plans.models import Appendix, AppendixRow, Article, Decision, LegalBasis, Plan, Recipient
from plans.parts import load_parts
from tasks.services import create_table

DECISION_FIELDS = (
    "kind",
    "governing_body",
    "issuing_body",
    "number",
    "number_suffix",
    "place",
    "date_month",
    "doc_type",
    "summary",
    "authority",
    "preamble",
    "proposal",
    "signer_prefix",
    "signer_title",
    "signer_name",
    "footnotes",
)


@transaction.atomic
def load_plan(data, *, unit, status=Plan.Status.DRAFT, revision=1):
    """Create the plan described by `data` for `unit`; all or nothing."""
    table = data["table"]
    plan = Plan.objects.create(
        unit=unit,
        year=data["year"],
        revision=revision,
        status=status,
        table_heading=table["heading"],
        table_title=table["title"],
        table_attachment_line=table["attachment_line"],
        column_labels=table["columns"],
        source=data.get("source", ""),
    )
    document = data["document"]
    decision = Decision.objects.create(
        plan=plan,
        issued_on=date.fromisoformat(document["date"]) if document.get("date") else None,
        **{key: document[key] for key in DECISION_FIELDS if document.get(key) is not None},
    )
    # Bulk inserts with their "created" history records (django-simple-history), in bulk too.
    now = timezone.now()
    bulk_create_with_history(
        [
            LegalBasis(decision=decision, order=order, text=text)
            for order, text in enumerate(document["legal_bases"], 1)
        ],
        LegalBasis,
        default_date=now,
    )
    bulk_create_with_history(
        [
            Article(
                decision=decision,
                order=order,
                label=a["label"],
                heading=a["heading"],
                body=a["body"],
                clauses=a["clauses"],
            )
            for order, a in enumerate(document["articles"], 1)
        ],
        Article,
        default_date=now,
    )
    bulk_create_with_history(
        [
            Recipient(decision=decision, order=order, text=r["text"], group=r.get("group", ""), level=r.get("level", 1))
            for order, r in enumerate(document["recipients"], 1)
        ],
        Recipient,
        default_date=now,
    )
    create_table(plan=plan, sections=table["sections"])
    for order, appendix_data in enumerate(data.get("appendices", []), 1):
        appendix = Appendix.objects.create(
            plan=plan,
            order=order,
            kind=appendix_data["kind"],
            heading=appendix_data["heading"],
            title=appendix_data["title"],
            attachment_line=appendix_data["attachment_line"],
            column_labels=appendix_data["columns"],
            note=appendix_data.get("note", ""),
        )
        appendix_rows = [
            AppendixRow(
                appendix=appendix,
                order=row_order,
                number=row["number"],
                field_name=row["field"],
                procedure_count=row.get("procedure_count"),
                deadline_text=row["deadline"],
            )
            for row_order, row in enumerate(appendix_data["rows"], 1)
        ]
        bulk_create_with_history(appendix_rows, AppendixRow, default_date=now)
    load_parts(plan, data)  # the KPI targets (plans.parts)
    return plan
