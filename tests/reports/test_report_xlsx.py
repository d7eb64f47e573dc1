"""The report's appendix as .xlsx: every row with its result, the tally lines, no formula anywhere."""

import io

import pytest
from openpyxl import load_workbook

from periods.models import ReportingPeriod
from plans.models import Plan
from reports.exporting import report_xlsx
from reports.services import get_report
from tasks.models import Task, TaskProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def thanh_thuy(seed):
    return Plan.objects.select_related("unit__parent").get(unit__slug="thanh-thuy", year=2023)


@pytest.fixture
def nine_months(db):
    return ReportingPeriod.objects.get(code="9M")


def _sheet(plan, period):
    book = load_workbook(io.BytesIO(report_xlsx(get_report(plan=plan, period=period))))
    return book.active


def _values(ws):
    return [[cell.value for cell in row] for row in ws.iter_rows()]


def test_the_sheet_has_the_title_the_columns_and_the_result_column(thanh_thuy, nine_months):
    rows = _values(_sheet(thanh_thuy, nine_months))
    assert rows[0][0] == "Phụ lục"
    assert rows[2][0] == "(Kèm theo Báo cáo số         /BC-UBND ngày 15/09/2023 của UBND xã Thanh Thủy)"
    header = next(row for row in rows if row[0] == "TT")
    assert header == [
        "TT",
        "Nội dung công việc",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Thời hạn hoàn thành",
        "Sản phẩm dự kiến",
        "Kết quả thực hiện 9 tháng đầu năm 2023",
    ]


def test_every_row_of_the_plan_is_there_with_its_result(thanh_thuy, nine_months):
    rows = _values(_sheet(thanh_thuy, nine_months))
    contents = [row[1] for row in rows]
    for task in Task.objects.filter(section__plan=thanh_thuy):
        assert task.content in contents
    iii_1 = next(row for row in rows if (row[1] or "").startswith("Hướng dẫn, thực hiện rà soát, đánh giá"))
    assert iii_1[6] == "Chưa thực hiện, đợi hướng dẫn của UBND huyện"


def test_the_sheet_ends_with_the_tally_lines(thanh_thuy, nine_months):
    rows = _values(_sheet(thanh_thuy, nine_months))
    assert [row[1] for row in rows[-3:]] == [
        "Tổng nội dung công việc: 32",
        "Nội dung đã thực hiện trong 9 tháng đầu năm 2023: 29",
        "Tỷ lệ hoàn thành kế hoạch: 90.625",
    ]


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tlệnh", "\rlệnh"])
def test_formula_like_text_is_written_as_escaped_text(thanh_thuy, nine_months, text):
    progress = TaskProgress.objects.filter(task__section__plan=thanh_thuy, period=nine_months).first()
    progress.result_text = text + " (kết quả)"
    progress.save()
    Task.objects.filter(pk=progress.task_id).update(product=text)

    ws = _sheet(thanh_thuy, nine_months)

    for column, value in ((6, text), (7, text.strip() + " (kết quả)")):
        cell = next(cell for row in ws.iter_rows() for cell in row if cell.column == column and cell.value == value)
        assert cell.data_type == "s"  # text, never a formula
        assert cell.quotePrefix == value.startswith(("=", "+", "-", "@", "\t", "\r"))  # Excel's apostrophe prefix
    assert not any(cell.data_type == "f" for row in ws.iter_rows() for cell in row)
