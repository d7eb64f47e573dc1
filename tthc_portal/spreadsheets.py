"""A plain table as a worksheet (openpyxl): a bold header row, wrapped cells, column widths, the header
frozen. Shared by the .xlsx exports that are tables of figures (coverage, the báo cáo tổng hợp)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


def new_workbook():
    book = Workbook()
    book.remove(book.active)
    return book


def table_sheet(book, title, header, rows, widths):
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.alignment = BOLD, WRAP
    for row in rows:
        sheet.append(row)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = WRAP
    sheet.freeze_panes = "A2"
    return sheet


def workbook_bytes(book):
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
