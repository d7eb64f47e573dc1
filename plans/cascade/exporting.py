"""The coverage of a higher plan as .xlsx (openpyxl): one sheet of rows (how many communes took each,
how many set a later deadline, which did not), one of every commune's row (its deadline beside the
source's)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


def _sheet(book, title, header, rows, widths):
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


def coverage_workbook(coverage):
    book = Workbook()
    book.remove(book.active)
    total = len(coverage.communes)
    _sheet(
        book,
        "Độ phủ",
        ["Mục", "TT", "Nội dung", "Thời hạn", "Số xã đã lấy", "Tổng số xã", "Số xã đặt hạn muộn hơn", "Xã chưa lấy"],
        [
            [
                section.number,
                item.row.number,
                item.row.content,
                item.row.deadline_text,
                len(item.takers),
                total,
                item.late_count,
                ", ".join(unit.name for unit in item.missing),
            ]
            for section, items in coverage.sections
            for item in items
            if not item.is_group
        ],
        [8, 6, 60, 20, 12, 10, 14, 60],
    )
    _sheet(
        book,
        "Xã đã lấy",
        ["Mục", "TT", "Nội dung cấp trên", "Thời hạn cấp trên", "Xã", "Nội dung của xã", "Thời hạn của xã", "Muộn hơn"],
        [
            [
                section.number,
                item.row.number,
                item.row.content,
                item.row.deadline_text,
                taker.unit.name,
                taker.row.content,
                taker.row.deadline_text,
                "Có" if taker.late else "",
            ]
            for section, items in coverage.sections
            for item in items
            for taker in item.takers
        ],
        [8, 6, 50, 20, 24, 50, 20, 10],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
