"""A commune editor imports a plan table from a file in a real Chromium: upload → preview → confirm
or cancel. An Excel sheet with a formula the portal cannot read is previewed with the problem on its
row and cannot be confirmed; a Word table is previewed and, confirmed, replaces the plan's table."""

import re

import docx
import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from plans.models import Plan
from plans.serializing import table_to_data
from tasks.models import Task

# live_server makes the database transactional; serialized_rollback puts back the rows the data
# migrations wrote (reporting periods, which seed_demo needs) that an earlier flush removed.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORD_HEADER = [
    "TT",
    "Nội dung công việc",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian hoàn thành",
    "Sản phẩm dự kiến",
]


def _le_loi_2024():
    return Plan.objects.get(unit__slug="le-loi", year=2024)


def _write_xlsx(path, rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def _write_docx(path, *, paragraphs, rows, merged_rows=()):
    """`paragraphs` above one table of `rows`; the rows in `merged_rows` are merged across."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    width = len(rows[0])
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    for r in merged_rows:
        table.cell(r, 0).merge(table.cell(r, width - 1))
    document.save(path)
    return path


def _open_import_page(page, live_server, plan, log_in):
    """From the plan list to the plan, then "Nhập từ Excel/Word"."""
    log_in("le-loi-editor")
    page.get_by_role("link", name="Xã Lê Lợi").click()
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/{plan.pk}/")
    page.get_by_role("link", name="Nhập từ Excel/Word").click()
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/{plan.pk}/nhap/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập bảng kế hoạch từ Excel hoặc Word")


def _upload(page, path):
    page.get_by_label("Tệp Excel (.xlsx) hoặc Word (.docx)").set_input_files(path)
    page.get_by_role("button", name="Tải lên và xem trước").click()
    expect(page).to_have_url(re.compile(r"/nhap/xem-truoc/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Xem trước bảng nhập từ “{path.name}”")


def test_an_excel_file_with_an_error_is_previewed_with_the_row_and_cannot_be_confirmed(
    page, live_server, seed, log_in, artifacts_dir, tmp_path
):
    plan = _le_loi_2024()
    before, version = table_to_data(plan), plan.version
    # Row 6 holds a formula with no value (openpyxl saves none, as a sheet never recalculated would):
    # a blocking error. Row 5 has a number but no content: a remark that does not block.
    sheet = _write_xlsx(
        tmp_path / "ke-hoach-co-loi.xlsx",
        [
            ["KẾ HOẠCH"],
            ["STT", "Nội dung công việc", "Chủ trì", "Phối hợp", "Thời hạn hoàn thành", "Sản phẩm dự kiến"],
            ["I", "Công tác chỉ đạo, điều hành"],
            ["1", "Ban hành Kế hoạch kiểm soát TTHC năm 2024", "Văn phòng", "Các ngành", "Quý I/2024", "Kế hoạch"],
            ["2", "", "", "", "Tháng 6/2024", ""],
            ["3", "Báo cáo kết quả kiểm soát TTHC", "Văn phòng", "", "=DATE(2024,6,30)", "Báo cáo"],
        ],
    )

    _open_import_page(page, live_server, plan, log_in)
    _upload(page, sheet)

    # The problems, each with its row in the sheet: both block the import.
    decide = page.locator("section.card", has=page.get_by_role("heading", name="Xác nhận"))
    expect(decide.get_by_role("alert")).to_contain_text("Có 2 lỗi cần sửa trong tệp")
    errors = page.get_by_role("list", name="Lỗi")
    expect(errors.get_by_role("listitem")).to_have_count(2)
    expect(errors.get_by_role("listitem").nth(0)).to_have_text(
        re.compile(r"^Dòng 5: Có số thứ tự “2” nhưng không có nội dung")
    )
    expect(errors.get_by_role("listitem").nth(1)).to_have_text(
        re.compile(r"^Dòng 6: Ô “Thời hạn hoàn thành” có công thức “=?DATE\(2024,6,30\)” chưa có giá trị\.")
    )
    confirm = page.get_by_role("button", name="Xác nhận nhập")
    expect(confirm).to_be_disabled()
    expect(confirm).to_have_attribute("title", "Còn lỗi cần sửa trong tệp")
    # The table as read, each deadline with its meaning.
    table = page.locator("table.plan-table")
    expect(table.locator("tr.section-row")).to_have_text(re.compile(r"^\s*I\s+Công tác chỉ đạo, điều hành\s*$"))
    first = table.locator("tbody tr", has_text="Ban hành Kế hoạch kiểm soát TTHC năm 2024")
    expect(first.locator(".deadline-meaning")).to_have_text("→ hạn 31/03/2024")
    page.screenshot(path=artifacts_dir / "import_journey_xlsx_error.png", full_page=True)

    # Cancel: back on the plan, told nothing changed, and nothing did.
    page.get_by_role("button", name="Hủy").click()
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/{plan.pk}/")
    expect(page.locator(".messages")).to_contain_text("Đã hủy nhập tệp; kế hoạch không thay đổi.")
    expect(page.locator("table.plan-table")).not_to_contain_text("Báo cáo kết quả kiểm soát TTHC")
    plan.refresh_from_db()
    assert plan.version == version
    assert table_to_data(plan) == before
    assert not Task.objects.filter(content="Báo cáo kết quả kiểm soát TTHC").exists()
    assert page.problems == []


def test_a_word_table_is_previewed_and_confirmed_into_the_plan(
    page, live_server, seed, log_in, artifacts_dir, tmp_path
):
    plan = _le_loi_2024()
    version = plan.version
    assert plan.sections.count() > 1
    document = _write_docx(
        tmp_path / "ke-hoach-le-loi.docx",
        paragraphs=["KẾ HOẠCH", "Kiểm soát thủ tục hành chính năm 2024"],
        rows=[
            WORD_HEADER,
            ["I. Công tác chỉ đạo, điều hành", "", "", "", "", ""],
            [
                "1",
                "Xây dựng Kế hoạch kiểm soát TTHC năm 2024",
                "Văn phòng - Thống kê",
                "Các ban, ngành",
                "Quý I/2024",
                "Kế hoạch được ban hành",
            ],
            [
                "2",
                "Niêm yết công khai TTHC tại Bộ phận Một cửa",
                "Văn phòng - Thống kê",
                "",
                "Thường xuyên",
                "TTHC được công khai",
            ],
            ["", "- Cập nhật danh mục TTHC mới công bố", "Văn phòng - Thống kê", "", "Khi có phát sinh", ""],
        ],
        merged_rows=[1],
    )

    _open_import_page(page, live_server, plan, log_in)
    _upload(page, document)

    # The preview: one section, three rows (the "- " row a sub-item of row 2), nothing to fix.
    expect(page.locator("main")).to_contain_text("Đọc được 1 mục, 3 nội dung công việc (4 dòng trong tệp .docx).")
    expect(page.get_by_role("list", name="Lỗi")).to_have_count(0)
    expect(page.get_by_role("list", name="Lưu ý")).to_have_count(0)
    table = page.locator("table.plan-table")
    expect(table.locator("thead th")).to_have_text(WORD_HEADER)
    expect(table.locator("tr.section-row")).to_have_text(re.compile(r"^\s*I\s+Công tác chỉ đạo, điều hành\s*$"))
    rows = table.locator("tbody tr:not(.section-row)")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator("td.c-num")).to_have_text("1")
    expect(rows.nth(0).locator(".deadline-meaning")).to_have_text("→ hạn 31/03/2024")
    expect(rows.nth(2)).to_have_class("depth-1")
    expect(rows.nth(2).locator("td.content")).to_have_text("- Cập nhật danh mục TTHC mới công bố")
    expect(rows.nth(2).locator(".deadline-meaning")).to_have_text("→ khi có phát sinh")
    confirm = page.get_by_role("button", name="Xác nhận nhập")
    expect(confirm).to_be_enabled()
    page.screenshot(path=artifacts_dir / "import_journey_docx_preview.png", full_page=True)
    plan.refresh_from_db()
    assert plan.version == version  # nothing is written before the confirm

    # Confirm: the plan's table is replaced, and the plan page shows it.
    confirm.click()
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/{plan.pk}/")
    expect(page.locator(".messages")).to_contain_text(
        "Đã nhập 1 mục, 3 nội dung từ tệp “ke-hoach-le-loi.docx” vào kế hoạch."
    )
    shown = page.locator("table.plan-table")
    expect(shown.locator("thead th")).to_have_text(WORD_HEADER)
    expect(shown.locator("tr.section-row")).to_have_count(1)
    expect(shown.locator("tr.section-row")).to_contain_text("Công tác chỉ đạo, điều hành")
    shown_rows = shown.locator("tbody tr:not(.section-row)")
    expect(shown_rows).to_have_count(3)
    expect(shown_rows.nth(0)).to_contain_text("Xây dựng Kế hoạch kiểm soát TTHC năm 2024")
    expect(shown_rows.nth(0).locator(".deadline-meaning")).to_have_text("→ hạn 31/03/2024")
    expect(shown_rows.nth(1).locator("td.content")).to_contain_text("Niêm yết công khai TTHC tại Bộ phận Một cửa")
    expect(shown_rows.nth(2)).to_have_class("depth-1")
    expect(shown_rows.nth(2).locator("td.content")).to_contain_text("- Cập nhật danh mục TTHC mới công bố")
    expect(shown).not_to_contain_text("Quý II/2024")  # the seed's rows are gone
    shown.scroll_into_view_if_needed()
    page.screenshot(path=artifacts_dir / "import_journey_docx_imported.png")

    # The database: exactly the file's table, its deadlines read with the plan's year.
    plan.refresh_from_db()
    assert plan.version > version
    assert list(plan.sections.values_list("number", "title")) == [("I", "Công tác chỉ đạo, điều hành")]
    tasks = {task.content: task for task in Task.objects.filter(section__plan=plan).select_related("parent")}
    assert set(tasks) == {
        "Xây dựng Kế hoạch kiểm soát TTHC năm 2024",
        "Niêm yết công khai TTHC tại Bộ phận Một cửa",
        "Cập nhật danh mục TTHC mới công bố",
    }
    first = tasks["Xây dựng Kế hoạch kiểm soát TTHC năm 2024"]
    assert (first.number, first.lead, first.partners, first.product, first.parent) == (
        "1",
        "Văn phòng - Thống kê",
        "Các ban, ngành",
        "Kế hoạch được ban hành",
        None,
    )
    assert (first.deadline_text, first.deadline_kind, first.due_dates) == ("Quý I/2024", "fixed", ["2024-03-31"])
    second = tasks["Niêm yết công khai TTHC tại Bộ phận Một cửa"]
    assert (second.number, second.deadline_kind, second.due_dates) == ("2", "ongoing", ["2024-12-31"])
    sub = tasks["Cập nhật danh mục TTHC mới công bố"]
    assert (sub.number, sub.parent) == ("-", second)
    assert (sub.deadline_text, sub.deadline_kind, sub.due_dates) == ("Khi có phát sinh", "on_demand", [])
    assert plan.column_labels["lead"] == "Cơ quan chủ trì"
    assert plan.column_labels["deadline"] == "Thời gian hoàn thành"
    assert page.problems == []
