"""Recording a plan's progress one reporting period at a time (the "Kết quả thực hiện" column).

Services (each checks the user's right, validates, runs in one transaction):
  record_progress  one leaf row's status, result text and new evidence documents for a period
  remove_evidence  drop one evidence document (its file too, unless another period still cites it)
  carry_forward    fill a period's empty rows from the latest earlier period of the plan's year
Selectors:
  period_sheet     the plan's rows in print order with their progress for a period
  default_period   the period a progress page opens on

Progress is recorded during the year on an issued or approved plan too, so the right to record it is
not the right to edit the plan: the editor or administrator of the plan's own unit records progress
whatever the plan's status; a reviewer above reads it.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Prefetch
from django.utils import timezone

from orgs.scoping import manages_unit
from periods.cutoffs import CUMULATIVE
from periods.models import ReportingPeriod

from .models import ProgressEvidence, TaskProgress, evidence_kind
from .selectors import leaf_key, plan_table

Status = TaskProgress.Status
MAX_RESULT_CHARS = 10_000
MAX_EVIDENCE_PER_ROW = 30


# --- permissions -----------------------------------------------------------------------------------


def can_record_progress(user, plan):
    """The editor or administrator of the plan's own unit (not a reviewer or administrator above it),
    whatever the plan's status."""
    return manages_unit(user, plan.unit)


def denied_message(plan):
    return (
        f"Bạn không có quyền cập nhật tiến độ kế hoạch này: chỉ công chức soạn thảo hoặc quản trị của "
        f"{plan.unit} được ghi kết quả thực hiện."
    )


def _require_record(user, plan):
    if user is None or not can_record_progress(user, plan):
        raise PermissionDenied(denied_message(plan))


def _lock(plan):
    """Serialise progress writes on one plan (carry_forward reads then fills; a no-op on SQLite): the
    caller's plan row, read again with select_for_update() (its model is plans', above this app)."""
    type(plan).objects.select_for_update().filter(pk=plan.pk).first()


# --- input cleaning --------------------------------------------------------------------------------


def _clean_text(text):
    text = unicodedata.normalize("NFC", str(text or "")).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


_NUMBER_PREFIX = re.compile(r"^\s*số\s*:?\s*", re.IGNORECASE)


def clean_evidence_number(number):
    """ "Số: 46/BC-UBND" → "46/BC-UBND"; spaces collapsed."""
    number = unicodedata.normalize("NFC", str(number or ""))
    number = _NUMBER_PREFIX.sub("", number)
    return re.sub(r"\s+", " ", number).strip()


def _evidence_errors(item, *, prefix=""):
    """The cleaned item and its errors keyed by form field (evidence_number, evidence_issued_on …)."""
    number = clean_evidence_number(item.get("number"))
    title = _clean_text(item.get("title"))
    issued_on = item.get("issued_on")
    upload = item.get("file")
    errors = {}
    if not number:
        errors["evidence_number"] = f"{prefix}Ghi số/ký hiệu của văn bản (ví dụ 46/BC-UBND)."
    elif len(number) > 100:
        errors["evidence_number"] = f"{prefix}Số/ký hiệu dài quá 100 ký tự."
    if issued_on is not None and not isinstance(issued_on, date):
        errors["evidence_issued_on"] = f"{prefix}Ngày ban hành không hợp lệ."
    elif issued_on is not None and issued_on > timezone.localdate():
        errors["evidence_issued_on"] = f"{prefix}Ngày ban hành không thể sau hôm nay."
    kind = ""
    if upload:
        try:
            kind = evidence_kind(upload)
        except ValidationError as error:
            errors["evidence_file"] = prefix + " ".join(error.messages)
    cleaned = {"number": number, "title": title, "issued_on": issued_on, "file": upload or None, "kind": kind}
    return cleaned, errors


def _has_content(item):
    return any(
        [
            clean_evidence_number(item.get("number")),
            _clean_text(item.get("title")),
            item.get("issued_on"),
            item.get("file"),
        ]
    )


# --- recording one row -----------------------------------------------------------------------------


def record_progress(*, task, period, status, result_text, user, evidence=()):
    """Store a leaf row's status and result for `period` (creating or replacing the period's record)
    and add the evidence documents in `evidence`: dicts with number, issued_on (date or None), title
    and file (an uploaded file or None); an item with nothing filled in is skipped.

    Refuses (ValidationError, messages keyed by form field) a row that has sub-items (their results
    are recorded per sub-item), an unknown status, a done row without a result text, evidence with a
    date, title or file but no number, a future date, and a file that is not a PDF, an image, a .docx
    or an .xlsx of at most 10 MB. Returns the TaskProgress."""
    plan = task.section.plan
    _require_record(user, plan)
    if task.children.exists():
        raise ValidationError(
            "Nội dung này có các gạch đầu dòng con: kết quả được ghi cho từng gạch đầu dòng, không ghi cho cả dòng."
        )
    errors = {}
    if status not in Status.values:
        errors["status"] = "Chọn một tình trạng: chưa thực hiện, đang thực hiện, đã thực hiện hoặc không phát sinh."
    text = _clean_text(result_text)
    if status == Status.DONE and not text:
        errors["result_text"] = "Nội dung đã thực hiện cần ghi kết quả: việc gì đã làm, bằng văn bản nào."
    elif len(text) > MAX_RESULT_CHARS:
        errors["result_text"] = f"Kết quả thực hiện dài quá {MAX_RESULT_CHARS:,} ký tự.".replace(",", ".")
    items = [item for item in evidence if _has_content(item)]
    cleaned_items = []
    for index, item in enumerate(items, start=1):
        cleaned, item_errors = _evidence_errors(item, prefix=f"Văn bản thứ {index}: " if len(items) > 1 else "")
        cleaned_items.append(cleaned)
        for key, message in item_errors.items():
            errors.setdefault(key, message)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        _lock(plan)
        progress, _ = TaskProgress.objects.get_or_create(task=task, period=period)
        progress.status = status
        progress.result_text = text
        progress.updated_by = user
        progress.carried_from = None  # a person has now looked at this row in this period
        progress.save()
        if cleaned_items:
            present = progress.evidence.aggregate(count=Count("pk"), last=Max("order"))
            if present["count"] + len(cleaned_items) > MAX_EVIDENCE_PER_ROW:
                raise ValidationError({"evidence_number": f"Mỗi dòng ghi tối đa {MAX_EVIDENCE_PER_ROW} văn bản."})
            order = present["last"] or 0
            for item in cleaned_items:
                order += 1
                document = ProgressEvidence(
                    progress=progress,
                    order=order,
                    number=item["number"],
                    issued_on=item["issued_on"],
                    title=item["title"],
                )
                if item["file"]:
                    document.file_name = _display_name(item["file"].name, item["kind"])
                    document.file = item["file"]  # stored under evidence/<plan>/… by the field's upload_to
                    document.checked = True  # judged by evidence_kind in _evidence_errors
                document.save()
    return progress


def _display_name(name, kind):
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:255] or f"van-ban.{kind}"


def remove_evidence(*, evidence, user):
    """Delete one evidence document. Its file is deleted too once the transaction commits, unless
    another record (a period it was carried into) still points to it."""
    plan = evidence.progress.task.section.plan
    _require_record(user, plan)
    with transaction.atomic():
        name, storage = (evidence.file.name, evidence.file.storage) if evidence.file else ("", None)
        progress = evidence.progress
        evidence.delete()
        progress.updated_by = user  # the row changed: its time stamp says so (reports key on it)
        progress.save(update_fields=["updated_by", "updated_at"])
        if storage is not None and not ProgressEvidence.objects.filter(file=name).exists():
            transaction.on_commit(lambda: storage.delete(name))


# --- carrying the previous period forward ----------------------------------------------------------


def earlier_periods(period, year):
    """Periods whose cut-off in `year` falls before `period`'s, latest first; between two periods
    with the same cut-off (6 months and quarter II) the one covering more of the year comes first."""
    cutoff = period.cutoff(year)
    earlier = [other for other in ReportingPeriod.objects.all() if other.cutoff(year) < cutoff]
    return sorted(earlier, key=lambda p: (p.bounds(year)[1], -p.bounds(year)[0].toordinal()), reverse=True)


def carry_forward(*, plan, period, user):
    """Fill the leaf rows of `period` that have no progress yet from the latest earlier period of the
    plan's year that has a record for the row (the order of earlier_periods). Done, in-progress and
    nothing-arose rows keep their status, result text and evidence; not-started rows stay not started
    (their text, often the reason, is kept). Copies are marked `carried_from` until a person saves
    the row. Never overwrites a row the period already has. Returns the number of rows filled."""
    _require_record(user, plan)
    sources = earlier_periods(period, plan.year)
    if not sources:
        return 0
    rank = {source.pk: index for index, source in enumerate(sources)}
    with transaction.atomic():
        _lock(plan)
        leaf_ids = [row.task.pk for row in period_sheet(plan=plan, period=period).leaves if row.progress is None]
        if not leaf_ids:
            return 0
        best: dict[int, TaskProgress] = {}
        candidates = (
            TaskProgress.objects.filter(task_id__in=leaf_ids, period_id__in=rank)
            .select_related("period")
            .prefetch_related("evidence")
        )
        for record in candidates:
            current = best.get(record.task_id)
            if current is None or rank[record.period_id] < rank[current.period_id]:
                best[record.task_id] = record
        copies = []
        for task_id in leaf_ids:  # print order
            source = best.get(task_id)
            if source is None or (source.status == Status.NOT_STARTED and not source.result_text):
                continue
            copy = TaskProgress(
                task_id=task_id,
                period=period,
                status=source.status,
                result_text=source.result_text,
                updated_by=user,
                carried_from=source.period,
            )
            copies.append((copy, source))
        TaskProgress.objects.bulk_create([copy for copy, _ in copies])
        ProgressEvidence.objects.bulk_create(
            ProgressEvidence(
                progress=copy,
                order=document.order,
                number=document.number,
                issued_on=document.issued_on,
                title=document.title,
                file=document.file.name,  # the same stored file; remove_evidence keeps it while cited
                file_name=document.file_name,
                checked=document.checked,
            )
            for copy, source in copies
            for document in source.evidence.all()
        )
    return len(copies)


def carry_source(*, plan, period):
    """The latest earlier period of the year with any progress recorded for the plan (what "Lấy kết
    quả kỳ trước" would mostly copy from), or None."""
    sources = earlier_periods(period, plan.year)
    used = set(
        TaskProgress.objects.filter(task__section__plan=plan, period__in=sources)
        .values_list("period_id", flat=True)
        .distinct()
    )
    return next((source for source in sources if source.pk in used), None)


# --- reading ---------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    task: object
    depth: int
    key: str  # "II.5", "II.1 (3)" for the third bullet under II.1
    is_leaf: bool
    progress: Any = None  # TaskProgress of the period, with .evidence prefetched, or None

    @property
    def status(self):
        return self.progress.status if self.progress else ""


@dataclass
class Sheet:
    plan: object
    period: object
    sections: list = field(default_factory=list)  # Section objects, each with .sheet_rows [SheetRow]

    @property
    def rows(self):
        return [row for section in self.sections for row in section.sheet_rows]

    @property
    def leaves(self):
        return [row for row in self.rows if row.is_leaf]

    @property
    def filled(self):
        return sum(1 for row in self.leaves if row.progress is not None)

    @property
    def carried(self):
        return sum(1 for row in self.leaves if row.progress is not None and row.progress.carried_from_id)

    def row(self, task_pk):
        return next((row for row in self.rows if row.task.pk == task_pk), None)


def period_sheet(*, plan, period):
    """The plan's sections with every row in print order (`section.sheet_rows`), each leaf with its
    progress for `period` and that progress's evidence. Four queries whatever the table's size."""
    sections = plan_table(plan)
    progress = {
        record.task_id: record
        for record in TaskProgress.objects.filter(task__section__plan=plan, period=period)
        .select_related("updated_by", "carried_from")
        .prefetch_related(Prefetch("evidence", queryset=ProgressEvidence.objects.order_by("order", "pk")))
    }

    def walk(section, rows, parents, depth):
        for task in rows:
            is_leaf = not task.subitems
            yield SheetRow(
                task=task,
                depth=depth,
                key=leaf_key(section, task, parents),
                is_leaf=is_leaf,
                progress=progress.get(task.pk) if is_leaf else None,
            )
            yield from walk(section, task.subitems, parents + [task], depth + 1)

    for section in sections:
        section.sheet_rows = list(walk(section, section.rows, [], 0))
    return Sheet(plan=plan, period=period, sections=sections)


def period_counts(*, plan):
    """{period id: number of rows with progress} for the plan (the period tabs show them)."""
    return dict(
        TaskProgress.objects.filter(task__section__plan=plan)
        .values("period_id")
        .annotate(count=Count("pk"))
        .values_list("period_id", "count")
    )


def progress_changed_at(*, plan, period):
    """When the plan's progress for `period` last changed (None before any): what a generated report
    of that period can be keyed on, since recording progress does not change the plan's version."""
    return TaskProgress.objects.filter(task__section__plan=plan, period=period).aggregate(last=Max("updated_at"))[
        "last"
    ]


def default_period(*, plan, today=None):
    """The period a progress page opens on: the latest period with progress recorded; else, in the
    plan's year, the first cumulative period whose cut-off has not passed; else the year (a past
    plan) or quarter I (a future one)."""
    today = today or timezone.localdate()
    periods = list(ReportingPeriod.objects.all())
    counts = period_counts(plan=plan)
    used = [p for p in periods if counts.get(p.pk)]
    if used:
        return max(used, key=lambda p: (p.cutoff(plan.year), -p.bounds(plan.year)[0].toordinal()))
    by_code = {p.code: p for p in periods}
    cumulative = [by_code[code] for code in CUMULATIVE if code in by_code]
    upcoming = [p for p in cumulative if p.cutoff(plan.year) >= today]
    if upcoming:
        return upcoming[0]
    return cumulative[-1] if cumulative else periods[-1]
