"""The printed báo cáo (Nghị định 30/2020/NĐ-CP layout): header, number, place and date, "BÁO CÁO"
and its trích yếu, the narrative, the split and KPI tables with the chart, Nơi nhận and the signer;
then the appendix in landscape exactly like seed 004 — every plan column plus "Kết quả thực hiện
<period>", ending with the tally lines.

`report_table` and `report_facts` are what the page, the PDF, the .xlsx and the draft all read.
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from indicators.charts import target_vs_actual_svg
from indicators.selectors import kpi_rows
from periods.cutoffs import PeriodCode
from periods.models import ReportingPeriod
from plans.pdf.documents import attachment_line
from tasks.models import TaskProgress
from tasks.selectors import leaf_key, plan_table
from tthc_portal.printing import render_pdf

from . import drafting
from .progress import plan_progress
from .tally import NOT_STARTED

STATUS_LABELS = dict(TaskProgress.Status.choices)
# The appendix table's columns and font, as static/print/report.css sets them.
NARRATIVE = [  # (numbering and heading printed before a field, field)
    ("I. KẾT QUẢ THỰC HIỆN", None),
    ("1. Kết quả thực hiện các nội dung của Kế hoạch", "results"),
    ("2. Kết quả thực hiện các chỉ tiêu", "kpi_summary"),
    ("3. Các nội dung chậm, chưa thực hiện", "late_items"),
    ("II. TỒN TẠI, HẠN CHẾ", "shortcomings"),
    ("III. NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI", "next_steps"),
]
CHART_SIZE = {"width": 600, "height": 260}


@dataclass
class ResultRow:
    """A printed row of the appendix: the plan's cells plus its result in the period."""

    task: object
    depth: int
    key: str
    is_leaf: bool
    status: str = NOT_STARTED
    result_text: str = ""
    evidence: list = field(default_factory=list)  # "46/BC-UBND ngày 05/06/2023", not already in the text

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, "")

    @property
    def result(self):
        """The result cell: the text as written (the status when nothing was written, for a leaf),
        then the evidence documents the text does not already cite."""
        lines = (
            [self.result_text.strip()] if self.result_text.strip() else ([self.status_label] if self.is_leaf else [])
        )
        if self.evidence:
            lines.append("Văn bản: " + "; ".join(self.evidence) + ".")
        return "\n".join(lines)


def unit_label(unit):
    """ "xã Thanh Thủy", "phường Đông Ngàn"."""
    return f"{unit.get_kind_display().lower()} {unit.name}"


def _evidence_text(document):
    return document.number + (f" ngày {document.issued_on:%d/%m/%Y}" if document.issued_on else "")


def report_table(plan, period):
    """The plan's sections, each with `.result_rows` (ResultRow in print order): three queries."""
    progress = {
        row.task_id: row
        for row in TaskProgress.objects.filter(task__section__plan=plan, period=period).prefetch_related("evidence")
    }
    sections = plan_table(plan)
    for section in sections:
        section.result_rows = list(_result_rows(section, section.rows, progress, [], 0))
    return sections


def _result_rows(section, rows, progress, parents, depth):
    for task in rows:
        record = progress.get(task.pk)
        text = record.result_text if record else ""
        evidence = [_evidence_text(e) for e in record.evidence.all()] if record else []
        yield ResultRow(
            task=task,
            depth=depth,
            key=leaf_key(section, task, parents),
            is_leaf=not task.subitems,
            status=record.status if record else NOT_STARTED,
            result_text=text,
            evidence=[e for e in evidence if e.split(" ngày ")[0] not in text],
        )
        yield from _result_rows(section, task.subitems, progress, parents + [task], depth + 1)


def plan_reference(plan):
    """How the narrative names the plan: "Kế hoạch số 17/KH-UBND ngày 14/03/2023 của UBND xã Thanh
    Thủy về việc kiểm soát TTHC …"."""
    decision = getattr(plan, "decision", None)
    unit = unit_label(plan.unit)
    if decision is None:
        return f"Kế hoạch kiểm soát thủ tục hành chính năm {plan.year} của UBND {unit}"
    text = decision.doc_type.strip().capitalize() or "Kế hoạch"
    if decision.number:
        text += f" số {decision.number_text}"
    if decision.issued_on:
        text += f" ngày {decision.issued_on:%d/%m/%Y}"
    text += f" của {'Chủ tịch ' if decision.kind == 'decision' else ''}UBND {unit}"
    summary = drafting.lower_first(decision.summary)
    return f"{text} về việc {summary}" if summary else text


def report_facts(plan, period, *, tally=None, sections=None, kpi=None):
    """drafting.Facts for the plan and period (the tally is computed when not given)."""
    tally = tally if tally is not None else plan_progress(plan=plan, period=period)
    sections = sections if sections is not None else report_table(plan, period)
    kpi = kpi if kpi is not None else kpi_rows(plan=plan, period=period)
    year_end = ReportingPeriod.objects.by_code(PeriodCode.YEAR)
    counts, not_started = [], []
    for section in sections:
        leaves = [row for row in section.result_rows if row.is_leaf]
        waiting = [row for row in leaves if row.status == NOT_STARTED]
        not_started += [drafting.LeafLine(row.key, row.task.content, tuple(row.task.deadline.dates)) for row in waiting]
        if leaves:
            counts.append(
                drafting.SectionCount(
                    number=section.number,
                    title=section.title,
                    total=len(leaves),
                    done=len(leaves) - len(waiting),
                    not_started=tuple(row.key for row in waiting),
                )
            )
    return drafting.Facts(
        unit_label=unit_label(plan.unit),
        period_label=period.label_for(plan.year),
        cutoff=period.cutoff(plan.year),
        year_cutoff=year_end.cutoff(plan.year) if year_end else period.cutoff(plan.year),
        plan_reference=plan_reference(plan),
        total=tally.total,
        done=tally.done,
        rate=tally.rate,
        by_status=tally.by_status,
        sections=counts,
        not_started=not_started,
        late=[drafting.LeafLine(leaf.key, leaf.content, tuple(leaf.due_dates)) for leaf in tally.late],
        kpi_rows=list(kpi),
    )


# --- what prints when a field was left empty ---------------------------------------------------------


def default_summary(report):
    return (
        "Kết quả thực hiện công tác kiểm soát thủ tục hành chính\n"
        f"và thực hiện cơ chế một cửa, một cửa liên thông {report.period_label}"
    )


def default_appendix_title(report):
    return (
        "Nội dung kết quả thực hiện nhiệm vụ kiểm soát thủ tục hành chính\n"
        f"và thực hiện cơ chế một cửa, một cửa liên thông trên địa bàn {unit_label(report.plan.unit)} "
        f"{report.period_label}"
    )


def default_attachment_line(report):
    issued = f"{report.issued_on:%d/%m/%Y}" if report.issued_on else f"      /      /{report.plan.year}"
    return f"(Kèm theo Báo cáo số {report.number_text} ngày {issued} của UBND {unit_label(report.plan.unit)})"


def printed(report):
    """The wording of the document: each field as staff left it, or its default when empty."""
    return {
        "summary": report.summary or default_summary(report),
        "appendix_heading": report.appendix_heading or "Phụ lục",
        "appendix_title": report.appendix_title or default_appendix_title(report),
        # A line staff wrote with blanks gets the report's number and date once it has them.
        "appendix_attachment_line": attachment_line(report.appendix_attachment_line, report)
        or default_attachment_line(report),
        "result_column": report.result_column or f"Kết quả thực hiện {report.period_label}",
    }


def tally_lines(report, tally):
    """The three lines that end the appendix, exactly as seed 004 prints them."""
    return [
        f"Tổng nội dung công việc: {tally.total}",
        f"Nội dung đã thực hiện trong {report.period_label}: {tally.done}",
        f"Tỷ lệ hoàn thành kế hoạch: {drafting.rate_text(tally.rate)}",
    ]


def paragraphs(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def recipient_lines(writing):
    """Nơi nhận as printed: one line each, without the dashes staff may have typed."""
    return [line.strip().lstrip("-").strip() for line in writing.recipients.splitlines() if line.strip()]


def signer_block(writing):
    """What documents/_signer.html prints for a ReportWriting (a Report or a ConsolidatedReport)."""
    return {
        "prefix": writing.signer_prefix,
        "title_lines": [line for line in writing.signer_title.splitlines() if line.strip()],
        "name": writing.signer_name,
    }


def report_context(report, *, tally=None, kpi=None, drafts=None):
    """Everything documents/report.html (and the .xlsx) prints. `drafts` fill empty narrative fields
    (reports.services saves them first, so normally none is empty)."""
    plan, period = report.plan, report.period
    tally = tally if tally is not None else plan_progress(plan=plan, period=period)
    kpi = list(kpi if kpi is not None else kpi_rows(plan=plan, period=period))
    sections = report_table(plan, period)
    drafts = drafts or {}
    decision = getattr(plan, "decision", None)
    narrative = []
    for heading, name in NARRATIVE:
        text = getattr(report, name) if name else ""
        narrative.append({"heading": heading, "name": name, "paragraphs": paragraphs(text or drafts.get(name, ""))})
    late_keys = {leaf.key for leaf in tally.late}
    return {
        "report": report,
        "plan": plan,
        "period": period,
        "label": report.period_label,
        "decision": decision,
        "issuing_body": decision.issuing_body if decision else f"ỦY BAN NHÂN DÂN\n{unit_label(plan.unit).upper()}",
        "governing_body": decision.governing_body if decision else "",
        # documents/_place_date.html reads a decision-like object
        "dateline": {
            "place": report.place or (decision.place if decision else plan.unit.name),
            "issued_on": report.issued_on,
        },
        "printed": printed(report),
        "introduction": paragraphs(report.introduction or drafts.get("introduction", "")),
        "narrative": narrative,
        "closing": f"Trên đây là báo cáo kết quả thực hiện công tác kiểm soát thủ tục hành chính {report.period_label} "
        f"của UBND {unit_label(plan.unit)}./.",
        "tally": tally,
        "rate_percent": drafting.percent(tally.rate),
        "late_count": len(late_keys),
        "kpi_rows": kpi,
        "kpi_table": [drafting.kpi_cells(row) for row in kpi],
        "kpi_chart": mark_safe(target_vs_actual_svg(kpi, **CHART_SIZE))
        if kpi
        else "",  # our own SVG, text escaped there
        "recipients": recipient_lines(report),
        "signer": signer_block(report),
        "columns": {**(plan.column_labels or {})},
        "sections": sections,
        "late_keys": late_keys,
        "tally_lines": tally_lines(report, tally),
    }


def report_document_html(report, **kwargs):
    return render_to_string("documents/report.html", report_context(report, **kwargs))


def build_report_pdf(report, **kwargs):
    return render_pdf(report_document_html(report, **kwargs))
