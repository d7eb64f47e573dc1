"""The report's appendix as a spreadsheet: the plan's columns plus "Kết quả thực hiện <period>", one
row per printed row, then the tally lines — the same table the PDF prints (seed 004's layout).

Formula safety: every cell is written as a text cell (openpyxl's data type "s", never a formula),
and text a spreadsheet would take for a formula once edited (starting with = + - @, a tab or a
carriage return) also carries Excel's quote prefix — the apostrophe Excel itself stores when a user
types '=…: shown as written ("- Đã thực hiện"), still text when the cell is edited. This is the
convention of plans.files.exporting's layout workbook.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from plans.files.exporting import set_text_cell
from plans.models import default_column_labels

from .documents import printed, report_table, tally_lines
from .progress import plan_progress

COLUMNS = ("number", "content", "lead", "partners", "deadline", "product", "result")
WIDTHS = (6, 45, 18, 18, 15, 20, 50)
FONT_NAME = "Times New Roman"
LINE_HEIGHT = 15  # points per printed line at 11 pt
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
TOP_LEFT = Alignment(wrap_text=True, vertical="top", horizontal="left")
TOP_CENTRE = Alignment(wrap_text=True, vertical="top", horizontal="center")
MIDDLE_CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _text(cell, text, *, bold=False, italic=False, size=11, alignment=TOP_LEFT, border=BORDER, indent=0):
    font = Font(name=FONT_NAME, size=size, bold=bold, italic=italic)
    set_text_cell(cell, text, font=font, alignment=alignment, border=border, indent=indent)


def _lines(text, width):
    return sum(max(1, -(-len(line) // max(width, 1))) for line in (text or "").split("\n"))


def _row_height(ws, row, texts):
    ws.row_dimensions[row].height = (
        LINE_HEIGHT * max(_lines(text, int(width * 1.1)) for text, width in zip(texts, WIDTHS, strict=False)) + 3
    )


def report_workbook(report, *, tally=None, sections=None):
    plan, period = report.plan, report.period
    tally = tally if tally is not None else plan_progress(plan=plan, period=period)
    sections = sections if sections is not None else report_table(plan, period)
    wording = printed(report)
    labels = {**default_column_labels(), **(plan.column_labels or {}), "result": wording["result_column"]}

    book = Workbook()
    ws = book.active
    ws.title = f"Phụ lục {period.code}"
    book.properties.title = f"Báo cáo {report.period_label} – {plan.unit}"
    row = 1
    for text, bold, italic, size in (
        (wording["appendix_heading"], True, False, 13),
        (wording["appendix_title"], True, False, 13),
        (wording["appendix_attachment_line"], False, True, 12),
    ):
        _text(
            ws.cell(row=row, column=1), text, bold=bold, italic=italic, size=size, alignment=MIDDLE_CENTRE, border=None
        )
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))
        ws.row_dimensions[row].height = (LINE_HEIGHT + 2) * _lines(text, int(sum(WIDTHS) * 0.9)) + 4
        row += 1
    header_row = row + 1
    for column, key in enumerate(COLUMNS, start=1):
        _text(ws.cell(row=header_row, column=column), labels.get(key, ""), bold=True, alignment=MIDDLE_CENTRE)
    ws.row_dimensions[header_row].height = 3 * LINE_HEIGHT + 4
    row = header_row
    for section in sections:
        row += 1
        _text(ws.cell(row=row, column=1), section.number, bold=True, alignment=TOP_CENTRE)
        _text(ws.cell(row=row, column=2), section.title, bold=True)
        if section.has_cells:
            cells = [section.lead, section.partners, section.deadline_text, section.product, ""]
            for column, text in enumerate(cells, start=3):
                _text(ws.cell(row=row, column=column), text)
            _row_height(ws, row, [section.number, section.title, *cells])
        else:
            for column in range(3, len(COLUMNS) + 1):
                _text(ws.cell(row=row, column=column), "")
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(COLUMNS))
        for result in section.result_rows:
            row += 1
            task = result.task
            cells = [task.lead, task.partners, task.deadline_text, task.product, result.result]
            _text(ws.cell(row=row, column=1), task.number, alignment=TOP_CENTRE)
            _text(ws.cell(row=row, column=2), task.content, indent=result.depth)
            for column, text in enumerate(cells, start=3):
                _text(ws.cell(row=row, column=column), text)
            _row_height(ws, row, [task.number, task.content, *cells])
    for line in tally_lines(report, tally):
        row += 1
        _text(ws.cell(row=row, column=1), "")
        _text(ws.cell(row=row, column=2), line, bold=True)
        for column in range(3, len(COLUMNS) + 1):
            _text(ws.cell(row=row, column=column), "")
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=len(COLUMNS))
        _row_height(ws, row, ["", line])

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_margins.left, ws.page_margins.right = 1.18, 0.71  # Nghị định 30/2020 margins, in inches
    ws.page_margins.top, ws.page_margins.bottom = 0.87, 0.79
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(len(COLUMNS))}{row}"
    ws.HeaderFooter.differentFirst = True
    ws.oddHeader.center.text = "&P"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for column, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    return book


def report_xlsx(report, **kwargs):
    stream = io.BytesIO()
    report_workbook(report, **kwargs).save(stream)
    return stream.getvalue()
