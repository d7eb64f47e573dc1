"""The coverage of a higher plan as .xlsx (openpyxl): one sheet of rows (how many communes took each,
how many set a later deadline, which did not), one of every commune's row (its deadline beside the
source's)."""

from tthc_portal.spreadsheets import new_workbook, table_sheet, workbook_bytes


def coverage_workbook(coverage):
    book = new_workbook()
    total = len(coverage.communes)
    table_sheet(
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
    table_sheet(
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
    return workbook_bytes(book)
