"""A plan's task table as a spreadsheet.

Two paths:
- `plan_workbook` / `template_workbook` (openpyxl): the commune's own layout — title rows, the header
  with the plan's column labels, section rows merged across, wrapped text, column widths, A4
  landscape with the header repeated on every page. plans.files.importing reads it back exactly.
- `TaskResource` (django-import-export): flat data rows, one per task, for other systems (CSV/XLSX).

Formula safety, in both paths: text that a spreadsheet would run as a formula (starting with = + - @,
a tab or a carriage return) is never written as a formula.
- In the layout workbook every cell is an explicit text cell, and such text also gets Excel's own
  "quote prefix" (what Excel stores when a user types '=…): shown exactly as written — "- Văn phòng"
  prints as "- Văn phòng", no visible apostrophe — and still text when the cell is edited.
- In the flat rows (CSV has no cell types) such text is prefixed with "'" (`escape_formula`);
  plans.files.importing removes that prefix again (`unescape_formula`), so both round-trip exactly.

Sub-items: the STT cell holds the number exactly as printed, as text ("1", "1.", "2.1.", "" or "-"
for a bullet, the way communes print bullets), and the content cell is indented one level per depth.
The workbook is signed (creator = importing.LAYOUT_CREATOR) so the importer trusts those indents.
"""

import io

from import_export import fields, resources
from import_export.formats.base_formats import CSV, XLSX
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from plans.files.importing import LAYOUT_CREATOR
from plans.models import default_column_labels
from tasks.models import Task
from tasks.selectors import flatten, plan_table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("number", "content", "lead", "partners", "deadline", "product")
CELLS = ("lead", "partners", "deadline", "product")
WIDTHS = {"number": 7, "content": 55, "lead": 24, "partners": 24, "deadline": 18, "product": 28}
FONT_NAME = "Times New Roman"
FIRST_ROW_WITH_TEXT_HEIGHT = 16.5  # points per printed line at 12 pt
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_EMPTY_ROWS = 25

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
TOP_LEFT = Alignment(wrap_text=True, vertical="top", horizontal="left")
TOP_CENTRE = Alignment(wrap_text=True, vertical="top", horizontal="center")
MIDDLE_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")


def needs_escape(text):
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def escape_formula(text):
    """ "'" in front of text a spreadsheet would run as a formula (for flat/CSV exports)."""
    return "'" + text if needs_escape(text) else text


def set_text_cell(cell, text, *, font=None, alignment=TOP_LEFT, border=BORDER, indent=0):
    """Write `text` as a text cell — never a formula — with the quote prefix where it is needed."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text or "")
    cell.value = text
    cell.data_type = "s"  # openpyxl would take "=…" for a formula
    cell.number_format = "@"
    if needs_escape(text):
        cell.quotePrefix = True
    cell.font = font or Font(name=FONT_NAME, size=12)
    cell.alignment = alignment if not indent else Alignment(wrap_text=True, vertical="top", indent=indent)
    if border is not None:
        cell.border = border


def _lines(text, width):
    """Printed lines of `text` in a cell `width` characters wide (for merged rows, which no
    spreadsheet sizes by itself)."""
    return sum(max(1, -(-len(line) // max(width, 1))) for line in (text or "").split("\n"))


def _title_rows(ws, heading, title, attachment_line):
    """The centred lines above the table, each merged across it. Returns the next free row."""
    total_width = sum(WIDTHS.values())
    row = 1
    for text, font in (
        (heading, Font(name=FONT_NAME, size=14, bold=True)),
        (title, Font(name=FONT_NAME, size=13, bold=True)),
        (attachment_line, Font(name=FONT_NAME, size=12, italic=True)),
    ):
        if not text:
            continue
        set_text_cell(ws.cell(row=row, column=1), text, font=font, alignment=MIDDLE_CENTRE, border=None)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))
        ws.row_dimensions[row].height = FIRST_ROW_WITH_TEXT_HEIGHT * _lines(text, int(total_width * 0.9)) + 4
        row += 1
    return row + 1  # a blank line before the table


def _header_row(ws, row, labels):
    for column, key in enumerate(COLUMNS, start=1):
        set_text_cell(
            ws.cell(row=row, column=column),
            labels.get(key, ""),
            font=Font(name=FONT_NAME, size=12, bold=True),
            alignment=MIDDLE_CENTRE,
        )
    ws.row_dimensions[row].height = 2 * FIRST_ROW_WITH_TEXT_HEIGHT + 4


def _page_setup(ws, header_row, last_row):
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as the table needs
    # Nghị định 30/2020: top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm (inches here).
    ws.page_margins.left, ws.page_margins.right = 1.18, 0.71
    ws.page_margins.top, ws.page_margins.bottom = 0.87, 0.79
    ws.page_margins.header, ws.page_margins.footer = 0.4, 0.3
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(len(COLUMNS))}{max(last_row, header_row)}"
    ws.print_options.horizontalCentered = True
    # Page numbers centred at the top, none on the first page.
    ws.HeaderFooter.differentFirst = True
    ws.oddHeader.center.text = "&P"
    ws.oddHeader.center.font = FONT_NAME
    ws.oddHeader.center.size = 13
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for column, key in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = WIDTHS[key]


def _new_sheet(title):
    book = Workbook()
    ws = book.active
    ws.title = title[:31]
    book.properties.creator = LAYOUT_CREATOR  # its indents are exact: plans.files.importing trusts them
    return book, ws


def _section_row(ws, row, section):
    bold = Font(name=FONT_NAME, size=12, bold=True)
    set_text_cell(ws.cell(row=row, column=1), section.number, font=bold, alignment=TOP_CENTRE)
    set_text_cell(ws.cell(row=row, column=2), section.title, font=bold)
    if section.has_cells:
        for column, key in enumerate(CELLS, start=3):
            set_text_cell(
                ws.cell(row=row, column=column), getattr(section, "deadline_text" if key == "deadline" else key)
            )
        return
    for column in range(3, len(COLUMNS) + 1):
        set_text_cell(ws.cell(row=row, column=column), "")
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(COLUMNS))
    width = sum(WIDTHS[key] for key in COLUMNS[1:])
    ws.row_dimensions[row].height = FIRST_ROW_WITH_TEXT_HEIGHT * _lines(section.title, int(width * 0.95)) + 3


def _task_row(ws, row, task, depth):
    set_text_cell(ws.cell(row=row, column=1), task.number, alignment=TOP_CENTRE)
    set_text_cell(ws.cell(row=row, column=2), task.content, indent=depth)
    for column, key in enumerate(CELLS, start=3):
        set_text_cell(ws.cell(row=row, column=column), getattr(task, "deadline_text" if key == "deadline" else key))


def plan_workbook(plan):
    """The plan's table in the commune's layout (see the module docstring)."""
    book, ws = _new_sheet(f"Kế hoạch {plan.year}")
    book.properties.title = f"{plan.table_heading} – {plan.unit} – {plan.year}"
    labels = {**default_column_labels(), **(plan.column_labels or {})}
    header_row = _title_rows(ws, plan.table_heading, plan.table_title, plan.table_attachment_line)
    _header_row(ws, header_row, labels)
    row = header_row
    for section in plan_table(plan):
        row += 1
        _section_row(ws, row, section)
        for task, depth in flatten(section.rows):
            row += 1
            _task_row(ws, row, task, depth)
    _page_setup(ws, header_row, row)
    return book


TEMPLATE_HELP = [
    "Cách điền mẫu bảng kế hoạch",
    "Mỗi mục (I, II, III …): ghi số La Mã ở cột STT và tên mục ở cột Nội dung công việc.",
    "Mỗi nội dung công việc: ghi số thứ tự như khi in (1, 2, 3 … hoặc 1., 2. …; có thể bỏ số).",
    "Nội dung con: đánh số 2.1, 2.2 … dưới nội dung 2, hoặc ghi “-” ở cột STT cho gạch đầu dòng.",
    "Một ô có thể có nhiều dòng (Alt+Enter).",
    "Tên cột có thể đổi theo văn bản của đơn vị (ví dụ “Công chức tham mưu”, “Cơ quan phối hợp”).",
    "Không dùng công thức: bảng kế hoạch chỉ nhận chữ.",
]


def template_workbook(year=None):
    """An empty table in the same layout, with a sheet of guidance after it."""
    book, ws = _new_sheet("Kế hoạch")
    year_text = str(year) if year else "…"
    header_row = _title_rows(
        ws,
        "KẾ HOẠCH",
        f"Kiểm soát thủ tục hành chính năm {year_text}",
        "(Ban hành kèm theo Quyết định số      /QĐ-UBND ngày    tháng    năm      của Chủ tịch UBND)",
    )
    _header_row(ws, header_row, default_column_labels())
    for row in range(header_row + 1, header_row + 1 + TEMPLATE_EMPTY_ROWS):
        for column in range(1, len(COLUMNS) + 1):
            set_text_cell(ws.cell(row=row, column=column), "", alignment=TOP_CENTRE if column == 1 else TOP_LEFT)
    _page_setup(ws, header_row, header_row + TEMPLATE_EMPTY_ROWS)
    guide = book.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 110
    for row, text in enumerate(TEMPLATE_HELP, start=1):
        set_text_cell(
            guide.cell(row=row, column=1), text, border=None, font=Font(name=FONT_NAME, size=12, bold=row == 1)
        )
    return book


def workbook_bytes(book):
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def plan_xlsx(plan):
    return workbook_bytes(plan_workbook(plan))


def template_xlsx(year=None):
    return workbook_bytes(template_workbook(year))


def export_filename(plan, extension="xlsx"):
    return f"ke-hoach-{plan.unit.slug}-{plan.year}.{extension}"


# -- flat rows (django-import-export) -------------------------------------------------------------


FLAT_COLUMNS = (
    "section_number",
    "section_title",
    "number",
    "content",
    "lead",
    "partners",
    "deadline_text",
    "product",
    "deadline_kind",
    "level",
)


class TaskResource(resources.ModelResource):
    """One row per task, sub-items included, in print order (the library-backed export path)."""

    section_number = fields.Field(attribute="section__number", column_name="Mục")
    section_title = fields.Field(attribute="section__title", column_name="Tên mục")
    number = fields.Field(attribute="number", column_name="STT")
    content = fields.Field(attribute="content", column_name="Nội dung công việc")
    lead = fields.Field(attribute="lead", column_name="Chủ trì")
    partners = fields.Field(attribute="partners", column_name="Phối hợp")
    deadline_text = fields.Field(attribute="deadline_text", column_name="Thời hạn")
    product = fields.Field(attribute="product", column_name="Sản phẩm dự kiến")
    deadline_kind = fields.Field(attribute="get_deadline_kind_display", column_name="Loại thời hạn")
    level = fields.Field(column_name="Cấp")

    class Meta:
        model = Task
        fields = FLAT_COLUMNS
        export_order = FLAT_COLUMNS

    def __init__(self, plan=None, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan

    def get_export_queryset(self, request=None):
        return self._ordered_tasks()

    def _ordered_tasks(self):
        ordered = []
        for section in plan_table(self.plan):
            for task, depth in flatten(section.rows):
                task.depth = depth
                ordered.append(task)
        return ordered

    def dehydrate_level(self, task):
        return getattr(task, "depth", 0)

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return escape_formula(value) if isinstance(value, str) else value


def export_rows(plan, file_format="csv"):
    """(bytes, content type) of the plan's flat task rows as CSV or XLSX."""
    resource = TaskResource(plan=plan)
    dataset = resource.export(queryset=resource._ordered_tasks())
    fmt = XLSX() if file_format == "xlsx" else CSV()
    data = fmt.export_data(dataset)
    if isinstance(data, str):
        data = ("\ufeff" + data).encode("utf-8")  # a BOM so Excel opens the CSV as UTF-8
    return data, (XLSX_CONTENT_TYPE if file_format == "xlsx" else "text/csv; charset=utf-8")
