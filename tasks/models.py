import io
import os
import unicodedata
import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.fields.json import KeyTextTransform
from django.utils.text import get_valid_filename
from PIL import Image, UnidentifiedImageError
from simple_history.models import HistoricalRecords

from tthc_portal.office_files import OLE2_MAGIC, ZIP_MAGIC, OfficeFileRefused, office_kind

from .deadlines import KIND_LABELS, Deadline, DeadlineKind, parse_deadline
from .statuses import LABELS, ProgressStatus

DEADLINE_KIND_CHOICES = [(kind.value, KIND_LABELS[kind]) for kind in DeadlineKind]


class RowCells(models.Model):
    """The cells a plan row carries, as printed: lead, partners, deadline and expected product."""

    _history_user: Any  # set before a save: django-simple-history records who changed the row

    lead = models.TextField("chủ trì", blank=True)
    partners = models.TextField("phối hợp", blank=True)
    deadline_text = models.TextField("thời hạn", blank=True)
    product = models.TextField("sản phẩm dự kiến", blank=True)
    # What the deadline text means, parsed with the plan's year (tasks.deadlines).
    deadline_kind = models.CharField(
        "loại thời hạn", max_length=10, choices=DEADLINE_KIND_CHOICES, default=DeadlineKind.UNKNOWN
    )
    due_dates = models.JSONField("các ngày đến hạn", default=list, blank=True)  # ISO dates, sorted
    # The earliest due date (ISO text, which sorts as dates do), kept by the database itself: the
    # dashboard counts overdue rows with it in SQL, whichever write path stored the dates.
    first_due = models.GeneratedField(
        expression=KeyTextTransform("0", "due_dates"), output_field=models.CharField(max_length=10), db_persist=True
    )
    # Bumped by each change to the row's content (plans.editing.services, the admin): a form loaded at
    # revision n is refused when the stored one is no longer n (optimistic locking). Moves do not bump it.
    revision = models.PositiveIntegerField("lần sửa", default=1, editable=False)

    class Meta:
        abstract = True

    def set_deadline(self, text, year, *, parsed=None):
        """Store the text and what it means in `year`. `parsed`: its meaning already read (the rows of a
        table share a few deadline texts, so a bulk write reads each text once)."""
        parsed = parsed if parsed is not None else parse_deadline(text, year)
        self.deadline_text = text
        self.deadline_kind = parsed.kind
        self.due_dates = [d.isoformat() for d in parsed.due_dates]
        return parsed

    @property
    def deadline(self):
        """The stored meaning of the deadline (kind, due dates, describe())."""
        return Deadline(
            kind=self.deadline_kind, dates=tuple(date.fromisoformat(d) for d in self.due_dates), text=self.deadline_text
        )


class Section(RowCells):
    rows: list["Task"]  # set by tasks.selectors.plan_table: the top-level rows, in order
    plan = models.ForeignKey("plans.Plan", verbose_name="kế hoạch", on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField("thứ tự")
    number = models.CharField("số mục", max_length=10, help_text="I, II, III …")
    title = models.TextField("tên mục")

    history = HistoricalRecords(verbose_name="lịch sử mục", verbose_name_plural="lịch sử mục")

    class Meta:
        verbose_name = "mục"
        verbose_name_plural = "các mục"
        ordering = ["plan", "order"]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def has_cells(self):
        return any([self.lead, self.partners, self.deadline_text, self.product])


class Task(RowCells):
    """A row of the plan table (nội dung công việc), or a sub-item of one."""

    subitems: list["Task"]  # set by tasks.selectors.plan_table: the row's sub-items, in order
    section = models.ForeignKey(Section, verbose_name="mục", on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", verbose_name="thuộc nội dung", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    number = models.CharField(
        "số TT", max_length=20, blank=True, help_text="Như in: “1”, “2.1”, “3.”, “-” cho gạch đầu dòng."
    )
    content = models.TextField("nội dung công việc")
    # The row of a higher unit's plan this row was taken from ("Lấy từ kế hoạch cấp trên",
    # plans.cascade): the higher plan's coverage is counted from these links, never from text.
    source = models.ForeignKey(
        "self",
        verbose_name="lấy từ nội dung của kế hoạch cấp trên",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived",
    )
    # The row this one was copied from: the previous revision's (a new revision after issue) or last
    # year's (copy from last year). Lets a link to last year's higher row find this year's.
    origin = models.ForeignKey(
        "self", verbose_name="sao từ nội dung", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )

    history = HistoricalRecords(
        verbose_name="lịch sử nội dung công việc", verbose_name_plural="lịch sử nội dung công việc"
    )

    class Meta:
        verbose_name = "nội dung công việc"
        verbose_name_plural = "nội dung công việc"
        ordering = ["section", "order"]
        indexes = [models.Index(fields=["section", "parent", "order"])]

    def __str__(self):
        return f"{self.number} {self.content[:60]}".strip()

    @property
    def is_bullet(self):
        return self.number == "-"


class TaskProgress(models.Model):
    """What was done on a row by a reporting period's cut-off."""

    Status = models.TextChoices("Status", [(status.name, (status.value, LABELS[status])) for status in ProgressStatus])

    task = models.ForeignKey(Task, verbose_name="nội dung", on_delete=models.CASCADE, related_name="progress")
    period = models.ForeignKey("periods.ReportingPeriod", verbose_name="kỳ báo cáo", on_delete=models.PROTECT)
    status = models.CharField("tình trạng", max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    result_text = models.TextField("kết quả thực hiện", blank=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người cập nhật",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set when the row was copied from an earlier period ("Lấy kết quả kỳ trước") and not yet saved
    # by a person in this period; cleared by the next save.
    carried_from = models.ForeignKey(
        "periods.ReportingPeriod",
        verbose_name="lấy từ kỳ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "tiến độ thực hiện"
        verbose_name_plural = "tiến độ thực hiện"
        constraints = [models.UniqueConstraint(fields=["task", "period"], name="progress_one_per_task_period")]

    def __str__(self):
        return f"{self.task} – {self.period}: {self.get_status_display()}"


# --- evidence: the documents that prove a result (số/ký hiệu, date, optional file) -----------------

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_KINDS = {  # kind → (extension, content type)
    "pdf": (".pdf", "application/pdf"),
    "png": (".png", "image/png"),
    "jpeg": (".jpg", "image/jpeg"),
    "webp": (".webp", "image/webp"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
INLINE_EVIDENCE_KINDS = {"pdf", "png", "jpeg", "webp"}
EVIDENCE_SIZE_MESSAGE = "Tệp lớn hơn 10 MB. Hãy nén hoặc chụp lại với độ phân giải thấp hơn rồi tải lên."
EVIDENCE_TYPE_MESSAGE = (
    "Chỉ nhận tệp PDF, ảnh (JPG, PNG, WebP), Word (.docx) hoặc Excel (.xlsx). Tệp này không phải các loại đó."
)


def evidence_kind(file):
    """The kind of an evidence file judged from its bytes (not its name), or raise ValidationError.
    `file` is a Django File/UploadedFile; its position is restored to the start."""
    size = getattr(file, "size", None)
    if size is not None and size > EVIDENCE_MAX_BYTES:
        raise ValidationError(EVIDENCE_SIZE_MESSAGE, code="size")
    file.seek(0)
    head = file.read(1024)
    file.seek(0)
    if not head:
        raise ValidationError("Tệp rỗng.", code="empty")
    try:
        if head.startswith(b"%PDF-"):
            return _pdf_kind(file)
        if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
            return _image_kind(file)
        if head.startswith(OLE2_MAGIC):
            raise ValidationError(
                "Tệp Word/Excel đời cũ (.doc, .xls) hoặc có đặt mật khẩu không được nhận: hãy lưu lại dưới dạng "
                ".docx/.xlsx "
                "không đặt mật khẩu, hoặc in ra PDF.",
                code="type",
            )
        if head.startswith(ZIP_MAGIC):
            try:  # the same checks as plan imports: entries, sizes, ratios, no DTD
                return office_kind(file.read(EVIDENCE_MAX_BYTES + 1), type_message=EVIDENCE_TYPE_MESSAGE)
            except OfficeFileRefused as refused:
                raise ValidationError(str(refused), code="corrupt") from refused
        raise ValidationError(EVIDENCE_TYPE_MESSAGE, code="type")
    finally:
        file.seek(0)


def _pdf_kind(file):
    """A PDF is one that starts as a PDF (offset 0) and whose structure reads: its cross-reference
    table, its catalogue and a page tree with at least one page (pyHanko's reader, lenient about
    the small faults real scanners make)."""
    from pyhanko.pdf_utils.reader import PdfFileReader  # 0.1 s to import: only when a PDF is uploaded

    try:
        reader = PdfFileReader(io.BytesIO(file.read(EVIDENCE_MAX_BYTES + 1)), strict=False)
        pages = int(reader.root["/Pages"]["/Count"])
    except Exception as error:  # any parser failure means the same to the user: not a readable PDF
        raise ValidationError("Tệp PDF bị hỏng hoặc không phải PDF thật, không đọc được.", code="corrupt") from error
    if pages < 1:
        raise ValidationError("Tệp PDF không có trang nào.", code="corrupt")
    return "pdf"


def _image_kind(file):
    try:
        with Image.open(file) as image:  # Pillow refuses decompression bombs
            image.verify()
            kind = (image.format or "").lower()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError("Ảnh bị hỏng, không đọc được.", code="corrupt") from error
    if kind not in {"png", "jpeg", "webp"}:
        raise ValidationError(EVIDENCE_TYPE_MESSAGE, code="type")
    return kind


def validate_evidence_file(file):
    if isinstance(file, FieldFile) and file._committed:
        return  # already stored, judged when it was uploaded
    evidence_kind(file)


def evidence_upload_to(instance, filename):
    """evidence/<plan id>/<random>/<name with the extension of what the bytes are>."""
    kind = evidence_kind(instance.file)
    stem = os.path.splitext(unicodedata.normalize("NFC", os.path.basename(filename.replace("\\", "/"))))[0]
    try:
        stem = get_valid_filename(stem)[:80]
    except SuspiciousFileOperation:  # names like ".."
        stem = ""
    plan_id = instance.progress.task.section.plan_id
    return f"evidence/{plan_id}/{uuid.uuid4().hex[:12]}/{stem or 'van-ban'}{EVIDENCE_KINDS[kind][0]}"


class ProgressEvidence(models.Model):
    """A document that proves a row's result in a period: “Báo cáo số 46/BC-UBND ngày 05/6/2023 …”."""

    progress = models.ForeignKey(
        TaskProgress, verbose_name="tiến độ", on_delete=models.CASCADE, related_name="evidence"
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    number = models.CharField("số/ký hiệu", max_length=100, help_text="Ví dụ: 46/BC-UBND.")
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    title = models.TextField("trích yếu", blank=True)
    file = models.FileField(
        "tệp đính kèm",
        upload_to=evidence_upload_to,
        max_length=255,
        blank=True,
        validators=[validate_evidence_file],
        help_text="PDF, ảnh, Word (.docx) hoặc Excel (.xlsx), tối đa 10 MB.",
    )
    file_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    # The file passed the content checks of `evidence_kind` when it was uploaded (files stored before
    # those checks judged a PDF by a marker anywhere in its first kilobyte): only a checked PDF or
    # image is shown in the browser; anything else is downloaded.
    checked = models.BooleanField("đã kiểm tra nội dung", default=False)
    created_at = models.DateTimeField("thêm lúc", auto_now_add=True)

    class Meta:
        verbose_name = "văn bản chứng minh"
        verbose_name_plural = "văn bản chứng minh"
        ordering = ["progress", "order", "pk"]

    def __str__(self):
        return self.number + (f" ngày {self.issued_on:%d/%m/%Y}" if self.issued_on else "")

    @property
    def kind(self):
        ext = os.path.splitext(self.file.name)[1].lower() if self.file else ""
        return next((kind for kind, (suffix, _) in EVIDENCE_KINDS.items() if suffix == ext), "")

    @property
    def shown_inline(self):
        return self.checked and self.kind in INLINE_EVIDENCE_KINDS

    @property
    def content_type(self):
        return EVIDENCE_KINDS[self.kind][1] if self.kind else "application/octet-stream"
