"""The báo cáo tổng hợp as .xlsx (openpyxl): one sheet per table of the page — the summary, the
communes (reported or missing, and why), the KPIs, the unit's own rows."""

from tthc_portal.spreadsheets import new_workbook, table_sheet, workbook_bytes

from .tally import DONE, IN_PROGRESS, NOT_ARISEN, NOT_STARTED


def _number(value):
    return None if value is None else float(value)


def consolidated_workbook(report):
    book = new_workbook()
    status = report.by_status
    table_sheet(
        book,
        "Tổng hợp",
        ["Chỉ số", "Giá trị"],
        [
            ["Đơn vị", str(report.unit)],
            ["Kỳ báo cáo", report.period_label],
            ["Tính đến ngày", report.cutoff.strftime("%d/%m/%Y")],
            ["Xã trực thuộc", report.communes],
            [f"Đã ban hành kế hoạch năm {report.year}", report.with_plan],
            ["Đã gửi báo cáo kỳ này", len(report.submitted)],
            ["Chưa gửi báo cáo", len(report.missing)],
            ["Tổng số nội dung (các xã đã gửi)", report.total],
            ["Đã thực hiện", report.done],
            ["Tỷ lệ hoàn thành (%)", _number(report.rate) if report.submitted else None],
            ["Hoàn thành", status[DONE]],
            ["Đang thực hiện", status[IN_PROGRESS]],
            ["Không phát sinh", status[NOT_ARISEN]],
            ["Chưa thực hiện", status[NOT_STARTED]],
            ["Chậm so với thời hạn", report.late],
        ],
        [40, 30],
    )
    table_sheet(
        book,
        "Các xã",
        ["Xã", "Đã gửi báo cáo", "Số nội dung", "Đã thực hiện", "Tỷ lệ (%)", "Chậm", "Ghi chú"],
        [
            [
                line.unit.name,
                "Có",
                line.tally.total,
                line.tally.done,
                _number(line.tally.rate),
                len(line.tally.late),
                "",
            ]
            for line in report.ranked
        ]
        + [[line.unit.name, "Chưa", None, None, None, None, line.missing_reason] for line in report.missing],
        [28, 14, 12, 12, 10, 8, 30],
    )
    table_sheet(
        book,
        "Chỉ tiêu",
        ["Chỉ tiêu", "Số xã", "Tử số", "Mẫu số", "Tỷ lệ (%)", "Chỉ tiêu của đơn vị (%)", "Đánh giá", "Xã chưa đạt"],
        [
            [
                kpi.indicator.name,
                kpi.reporting,
                kpi.numerator,
                kpi.denominator,
                _number(kpi.rate),
                _number(kpi.target.value) if kpi.target else None,
                "" if kpi.met is None else ("Đạt" if kpi.met else "Chưa đạt"),
                ", ".join(unit.name for unit in kpi.below),
            ]
            for kpi in report.kpis
        ],
        [50, 8, 10, 10, 10, 14, 12, 40],
    )
    table_sheet(
        book,
        "Nội dung của đơn vị",
        ["Mục", "TT", "Nội dung", "Số xã đã lấy", "Tổng số xã", "Đã gửi báo cáo", "Đã thực hiện", "Tỷ lệ (%)"],
        [
            [
                section.number,
                item.row.number,
                item.row.content,
                item.took,
                item.communes,
                item.reporting,
                item.carried,
                _number(item.share),
            ]
            for section, rows in report.own_rows
            for item in rows
            if not item.is_group
        ],
        [8, 6, 60, 12, 10, 14, 12, 10],
    )
    return workbook_bytes(book)
