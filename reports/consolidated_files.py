"""The báo cáo tổng hợp as a document: its writing (number, date, narrative drafted from the figures
and editable, Nơi nhận, signer — ConsolidatedReport), the PDF in the Nghị định 30/2020 layout and the
.xlsx, rendered by the same job type as the communes' reports (ReportDocument, keyed by unit, year,
period and data version) or at once by `render_report --unit …` for a unit above communes."""

import hashlib
import logging
from datetime import date

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from plans.models import Plan
from tthc_portal.jobs import JobState
from tthc_portal.printing import render_pdf

from . import drafting
from .charts import completion_svg
from .consolidated import consolidate
from .consolidated_export import consolidated_workbook
from .documents import paragraphs, plan_reference, recipient_lines, signer_block, unit_label
from .models import ConsolidatedReport, PlanChange, ReportDocument, SignedReport
from .tally import DONE, IN_PROGRESS, NOT_ARISEN, NOT_STARTED

logger = logging.getLogger(__name__)

NARRATIVE = [  # (numbering and heading printed before a field, field)
    ("I. TÌNH HÌNH TRIỂN KHAI CỦA CÁC XÃ", "results"),
    ("II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "kpi_summary"),
    ("III. CÁC ĐƠN VỊ CHƯA GỬI BÁO CÁO, CÒN CHẬM", "late_items"),
    ("IV. TỒN TẠI, HẠN CHẾ", "shortcomings"),
    ("V. NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI", "next_steps"),
]


def _names(units, limit=30):
    names = [unit.name for unit in units]
    return (
        ", ".join(names) if len(names) <= limit else ", ".join(names[:limit]) + f" và {len(names) - limit} đơn vị khác"
    )


def drafts(report):
    """The narrative drafted from a reports.consolidated.Consolidated: {field: text}."""
    label = unit_label(report.unit)
    period = report.period_label
    reference = plan_reference(report.own_plan) if report.own_plan is not None else ""
    intro = f"Thực hiện {reference}, " if reference else ""
    status = report.by_status
    submitted, missing = report.submitted, report.missing
    results = [
        f"Trên địa bàn {label} có {report.communes} xã, phường, thị trấn; {report.with_plan} đơn vị đã ban hành "
        f"kế hoạch kiểm soát thủ tục hành chính năm {report.year}; {len(submitted)} đơn vị đã gửi báo cáo {period}, "
        f"{len(missing)} đơn vị chưa gửi."
    ]
    if submitted:
        results.append(
            f"Các đơn vị đã gửi báo cáo triển khai {report.total} nội dung công việc, đã thực hiện {report.done} nội "
            f"dung, đạt {drafting.percent(report.rate)}; trong đó hoàn thành {status[DONE]}, đang thực hiện "
            f"{status[IN_PROGRESS]}, không phát sinh {status[NOT_ARISEN]}, chưa thực hiện {status[NOT_STARTED]}; "
            f"{report.late} nội dung chậm so với thời hạn."
        )
        best, worst = report.ranked[0], report.ranked[-1]
        if len(report.ranked) > 1:
            results.append(
                f"Đơn vị có tỷ lệ hoàn thành cao nhất: {best.unit.name} ({drafting.percent(best.tally.rate)}); "
                f"thấp nhất: {worst.unit.name} ({drafting.percent(worst.tally.rate)})."
            )
    kpi_lines = []
    for kpi in report.kpis:
        line = f"- {kpi.indicator.name}: {kpi.numerator}/{kpi.denominator}, đạt {kpi.rate_text}"
        if kpi.target is not None:
            line += f" (chỉ tiêu {kpi.target_text}: {'đạt' if kpi.met else 'chưa đạt'})"
        if kpi.below:
            line += f"; các đơn vị chưa đạt chỉ tiêu: {_names(kpi.below)}"
        kpi_lines.append(line + ".")
    late = []
    if missing:
        late.append(f"- Các đơn vị chưa gửi báo cáo {period}: {_names([line.unit for line in missing])}.")
    slow = [line for line in report.ranked if line.tally.late]
    if slow:
        late.append(
            "- Các đơn vị có nội dung chậm so với thời hạn: "
            + "; ".join(f"{line.unit.name} ({len(line.tally.late)} nội dung)" for line in slow[:30])
            + "."
        )
    shortcomings = []
    if missing:
        shortcomings.append(f"- Còn {len(missing)} đơn vị chưa gửi báo cáo đúng thời hạn.")
    if report.late:
        shortcomings.append(f"- Còn {report.late} nội dung chậm so với thời hạn tại các đơn vị đã gửi báo cáo.")
    return {
        "introduction": f"{intro}UBND {label} báo cáo tổng hợp kết quả thực hiện công tác kiểm soát thủ tục hành "
        f"chính {period} của các xã, phường, thị trấn trên địa bàn như sau:",
        "results": "\n".join(results),
        "kpi_summary": "\n".join(kpi_lines) or "Các đơn vị đã gửi báo cáo chưa nhập số liệu chỉ tiêu của kỳ này.",
        "late_items": "\n".join(late) or "Không có.",
        "shortcomings": "\n".join(shortcomings) or "Không có.",
        "next_steps": "- Đôn đốc các đơn vị chưa gửi báo cáo, các đơn vị có nội dung chậm so với thời hạn hoàn "
        "thành.\n- Tiếp tục theo dõi, hướng dẫn các đơn vị thực hiện các chỉ tiêu chưa đạt.",
    }


def _defaults(unit, year):
    own = Plan.objects.filter(unit=unit, year=year).select_related("decision").order_by("-revision").first()
    decision = getattr(own, "decision", None) if own else None
    parent = unit.parent
    recipients = [f"UBND {parent.get_kind_display().lower()} {parent.name}"] if parent is not None else []
    return {
        "place": decision.place if decision else unit.name,
        "recipients": "\n".join([f"{line};" for line in recipients] + ["Lưu: VT, VP."]),
        "signer_prefix": decision.signer_prefix if decision else "KT.",
        "signer_title": decision.signer_title if decision and decision.signer_title.strip() else "CHỦ TỊCH",
        "signer_name": decision.signer_name if decision else "",
    }


def get_writing(*, unit, year, period, report=None):
    """The ConsolidatedReport of (unit, year, period), made on first use with its defaults and the
    narrative drafted from `report` (a Consolidated; computed when not given). Empty narrative fields
    are drafted again, never an edited one."""
    writing, created = ConsolidatedReport.objects.get_or_create(
        unit=unit, year=year, period=period, defaults=_defaults(unit, year)
    )
    empty = [name for name in ConsolidatedReport.NARRATIVE_FIELDS if not getattr(writing, name).strip()]
    if empty:
        texts = drafts(report or consolidate(unit=unit, year=year, period=period))
        for name in empty:
            setattr(writing, name, texts[name])
        writing.save(update_fields=empty)
    return writing


def redraft(*, writing, user):
    """ "Soạn lại từ số liệu": every narrative field drafted again from today's figures."""
    texts = drafts(consolidate(unit=writing.unit, year=writing.year, period=writing.period))
    for name in ConsolidatedReport.NARRATIVE_FIELDS:
        setattr(writing, name, texts[name])
    writing.updated_by = user
    writing.save()
    return writing


def document_context(report, writing):
    """Everything documents/consolidated.html prints."""
    issuing = f"ỦY BAN NHÂN DÂN\n{unit_label(report.unit).upper()}"
    return {
        "report": report,
        "writing": writing,
        "issuing_body": issuing,
        "governing_body": "",
        "dateline": {"place": writing.place or report.unit.name, "issued_on": writing.issued_on},
        "plan": {"year": report.year},
        "summary": writing.summary
        or f"Tổng hợp kết quả thực hiện công tác kiểm soát thủ tục hành chính\n{report.period_label} trên địa bàn "
        f"{unit_label(report.unit)}",
        "introduction": paragraphs(writing.introduction),
        "narrative": [
            {"heading": heading, "name": name, "paragraphs": paragraphs(getattr(writing, name))}
            for heading, name in NARRATIVE
        ],
        "rate_percent": drafting.percent(report.rate) if report.submitted else "—",  # nothing reported: no rate
        "chart": mark_safe(completion_svg([(line.unit.name, line.tally.rate) for line in report.ranked])),
        "recipients": recipient_lines(writing),
        "signer": signer_block(writing),
        "closing": f"Trên đây là báo cáo tổng hợp kết quả thực hiện công tác kiểm soát thủ tục hành chính "
        f"{report.period_label} trên địa bàn {unit_label(report.unit)}./.",
    }


def build_files(*, unit, year, period):
    """(the writing, the PDF (tthc_portal.printing.PdfResult), the .xlsx bytes), from fresh figures."""
    report = consolidate(unit=unit, year=year, period=period)
    writing = get_writing(unit=unit, year=year, period=period, report=report)
    pdf = render_pdf(render_to_string("documents/consolidated.html", document_context(report, writing)))
    return writing, pdf, consolidated_workbook(report)


# --- the job ------------------------------------------------------------------------------------------


def data_version(*, unit, year, period):
    """A digest of everything the consolidated report prints: the change counts of the plans it sums
    (rows, progress, targets: reports.PlanChange, kept by triggers) and of the unit's own plan, the
    measurements, the reports sent, the writing. Another render of the same version is the same file."""
    from indicators.models import Measurement

    communes = unit.communes_below_as_of(date(year, 1, 1))
    plans = list(Plan.objects.filter(unit_id__in=[*communes, unit.pk], year=year).values_list("pk", "version"))
    ids = [pk for pk, _ in plans]
    epochs = sorted(PlanChange.objects.filter(plan_id__in=ids).values_list("plan_id", "epoch"))
    sent = sorted(
        SignedReport.objects.filter(report__plan_id__in=ids, report__period=period, state=JobState.DONE).values_list(
            "pk", flat=True
        )
    )
    measured = sorted(
        Measurement.objects.filter(plan_id__in=ids, period=period).values_list("pk", "numerator", "denominator")
    )
    writing = ConsolidatedReport.objects.filter(unit=unit, year=year, period=period).values_list("updated_at").first()
    text = repr((sorted(plans), epochs, sent, measured, writing, sorted(communes)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def request_consolidated(*, unit, year, period, user=None):
    """Ask for the files of the current data version: reuse a running or finished job, queue otherwise."""
    get_writing(unit=unit, year=year, period=period)  # drafted now, so that rendering changes nothing it counts
    version = data_version(unit=unit, year=year, period=period)
    with transaction.atomic():
        job, created = ReportDocument.objects.select_for_update().get_or_create(
            unit=unit, year=year, period=period, data_version=version, defaults={"requested_by": user}
        )
        if not created and (job.is_active or job.is_ready):
            return job
        if not created:
            job.mark_queued()
        transaction.on_commit(job.queue)
    job.refresh_from_db()
    return job


def current_document(*, unit, year, period):
    return ReportDocument.objects.filter(
        unit=unit, year=year, period=period, data_version=data_version(unit=unit, year=year, period=period)
    ).first()


def render_consolidated_now(*, document_id, task_id=None):
    """Render and store the files of the job's key. Idempotent: a finished job is kept; a job whose
    data changed since it was asked fails with the reason (ask again)."""
    with transaction.atomic():
        job = (
            ReportDocument.objects.select_for_update(of=("self",)).select_related("unit", "period").get(pk=document_id)
        )
        if job.is_ready or job.state == JobState.FAILED:
            return job
        if job.state == JobState.RUNNING and not job.is_lost and not (task_id and job.task_id == task_id):
            return job
        job.task_id = task_id or ""
        job.save(update_fields=["task_id"])
        job.mark_running()
    if job.data_version != data_version(unit=job.unit, year=job.year, period=job.period):
        job.mark_failed("Số liệu đã thay đổi sau khi yêu cầu: hãy tạo lại báo cáo tổng hợp.")
        return job
    try:
        _, pdf, xlsx = build_files(unit=job.unit, year=job.year, period=job.period)
    except (OperationalError, InterfaceError):
        raise
    except SoftTimeLimitExceeded:
        job.mark_failed("Quá thời gian cho phép khi tạo báo cáo. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
        return job
    except Exception:
        logger.exception("Consolidated report render failed for document %s", document_id)
        job.mark_failed("Không tạo được báo cáo do lỗi hệ thống. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống.")
        return job
    stem = f"bao-cao-tong-hop-{job.unit.slug}-{job.year}-{job.period.code.lower()}-{job.data_version[:8]}"
    job.file_pdf.save(f"{stem}.pdf", ContentFile(pdf.data), save=False)
    job.file_xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    job.pages = pdf.pages
    job.state, job.error, job.finished_at = JobState.DONE, "", timezone.now()
    job.save(update_fields=["file_pdf", "file_xlsx", "pages", "state", "error", "finished_at"])
    return job
