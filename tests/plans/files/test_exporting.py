"""Exporting a plan's table: the commune layout (openpyxl), the flat rows (django-import-export),
formula escaping, the empty template, and the exact round trip through the importer."""

import csv
import io

import pytest
from openpyxl import load_workbook

from plans.files.exporting import escape_formula, export_rows, plan_xlsx, template_xlsx
from plans.files.importing import parse_plan_file, replace_table, unescape_formula
from plans.models import Plan
from plans.serializing import table_to_data
from tasks.models import Task

pytestmark = pytest.mark.django_db

SEED_PLANS = [("le-loi", 2024), ("ha-tan", 2024), ("bac-giang", 2024), ("thanh-thuy", 2023)]
DANGEROUS = [
    '=HYPERLINK("http://x.invalid","Bấm")',
    "+84 912 345 678",
    "-1+2",
    "@SUM(A1)",
    "\tthụt đầu dòng",
    "\rxuống dòng",
]


def _sheet(data):
    return load_workbook(io.BytesIO(data)).worksheets[0]


def _without_results(sections):
    def row(task):
        return {
            **{k: v for k, v in task.items() if k != "result"},
            "children": [row(child) for child in task["children"]],
        }

    return [{**section, "tasks": [row(task) for task in section["tasks"]]} for section in sections]


@pytest.mark.parametrize("slug, year", SEED_PLANS)
def test_a_seed_plan_exported_and_imported_gives_back_the_same_table(seed, slug, year):
    plan = Plan.objects.get(unit__slug=slug, year=year)
    before = _without_results(table_to_data(plan))
    parsed = parse_plan_file(name=f"{slug}.xlsx", data=plan_xlsx(plan))
    assert parsed.problems == []
    assert parsed.sections == before
    replace_table(plan=plan, sections=parsed.sections, user=None, columns=parsed.columns)
    assert _without_results(table_to_data(plan)) == before


@pytest.mark.parametrize("slug, year", SEED_PLANS)
def test_the_title_lines_and_column_labels_come_back_too(seed, slug, year):
    plan = Plan.objects.get(unit__slug=slug, year=year)
    parsed = parse_plan_file(name="a.xlsx", data=plan_xlsx(plan))
    assert (parsed.heading, parsed.title, parsed.attachment_line) == (
        plan.table_heading,
        plan.table_title,
        plan.table_attachment_line,
    )
    assert parsed.columns == plan.column_labels


def test_the_layout_has_title_rows_header_and_sections_merged_across(le_loi_plan):
    sheet = _sheet(plan_xlsx(le_loi_plan))
    assert sheet["A1"].value == "KẾ HOẠCH" and sheet["A1"].font.bold
    assert sheet["A2"].value == le_loi_plan.table_title
    assert sheet["A3"].value == le_loi_plan.table_attachment_line and sheet["A3"].font.italic
    assert [cell.value for cell in sheet[5]] == [
        "Số TT",
        "Nội dung công việc",
        "Công chức tham mưu",
        "Tổ chức, cá nhân phối hợp",
        "Thời hạn hoàn thành",
        "Sản phẩm dự kiến hoàn thành",
    ]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:F1", "A2:F2", "A3:F3", "B6:F6"} <= merged  # B6: section I across the row
    assert (sheet["A6"].value, sheet["B6"].value) == ("I", "Xây dựng hoàn thiện thế chế văn bản chỉ đạo")
    assert sheet["A6"].font.bold


def test_text_is_wrapped_and_columns_have_widths(le_loi_plan):
    sheet = _sheet(plan_xlsx(le_loi_plan))
    assert sheet["B7"].alignment.wrap_text and sheet["B7"].alignment.vertical == "top"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    assert max(widths, key=widths.get) == "B" and min(widths, key=widths.get) == "A"
    assert sheet["B7"].font.name == "Times New Roman"


def test_print_setup_is_a4_landscape_fit_to_width_with_the_header_repeated(le_loi_plan):
    sheet = _sheet(plan_xlsx(le_loi_plan))
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$5:$5"


def test_sub_items_are_indented_and_numbers_are_text_as_printed(le_loi_plan):
    sheet = _sheet(plan_xlsx(le_loi_plan))
    rows = {(row[0].value, row[1].value[:30] if row[1].value else None): row for row in sheet.iter_rows(min_row=6)}
    two_one = next(row for (number, _), row in rows.items() if number == "2.1.")
    assert two_one[0].data_type == "s" and two_one[0].number_format == "@"
    assert two_one[1].alignment.indent == 1
    bullet = sheet.cell(row=two_one[0].row + 1, column=1)
    assert bullet.value == "-" and sheet.cell(row=bullet.row, column=2).alignment.indent == 2


def test_the_number_one_with_a_dot_stays_one_with_a_dot(seed):
    plan = Plan.objects.get(unit__slug="thanh-thuy")
    numbers = [row[0].value for row in _sheet(plan_xlsx(plan)).iter_rows(min_row=6)]
    assert "1." in numbers and 1 not in numbers


@pytest.fixture
def plan_with_dangerous_text(le_loi_plan):
    task = Task.objects.filter(section__plan=le_loi_plan, parent=None).order_by("section__order", "order").first()
    task.content, task.lead, task.partners, task.deadline_text, task.product = DANGEROUS[:5]
    task.save()
    section = task.section
    section.title = DANGEROUS[5]
    section.save()
    return le_loi_plan


def test_no_exported_cell_is_a_formula_and_risky_text_is_quote_prefixed(plan_with_dangerous_text):
    sheet = _sheet(plan_xlsx(plan_with_dangerous_text))
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    risky = [cell for cell in cells if str(cell.value).startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert {str(cell.value)[0] for cell in risky} >= {"=", "+", "-", "@", "\t"}
    assert all(cell.quotePrefix for cell in risky)


def test_a_dash_in_a_cell_prints_as_written(le_loi_plan):
    sheet = _sheet(plan_xlsx(le_loi_plan))
    lead = next(
        cell
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("- Văn phòng HĐND-UBND;")
    )
    assert lead.quotePrefix and not lead.value.startswith("'")


def test_risky_text_round_trips_exactly(plan_with_dangerous_text):
    parsed = parse_plan_file(name="a.xlsx", data=plan_xlsx(plan_with_dangerous_text))
    task = parsed.sections[0]["tasks"][0]
    assert (task["content"], task["lead"], task["partners"], task["deadline"]) == tuple(DANGEROUS[:4])
    assert parsed.sections[1:] == _without_results(table_to_data(plan_with_dangerous_text))[1:]


def test_a_leading_tab_or_carriage_return_is_escaped_but_trimmed_on_import_like_any_edge_space(
    plan_with_dangerous_text,
):
    parsed = parse_plan_file(name="a.xlsx", data=plan_xlsx(plan_with_dangerous_text))
    assert parsed.sections[0]["tasks"][0]["product"] == "thụt đầu dòng"
    assert parsed.sections[0]["title"] == "xuống dòng"


@pytest.mark.parametrize("text", DANGEROUS)
def test_escape_formula_prefixes_every_risky_start_and_import_undoes_it(text):
    escaped = escape_formula(text)
    assert escaped == "'" + text
    assert unescape_formula(escaped) == text


def test_escape_formula_leaves_plain_text_alone():
    assert escape_formula("Văn phòng HĐND-UBND") == "Văn phòng HĐND-UBND"


def test_the_flat_csv_export_escapes_every_risky_cell(plan_with_dangerous_text):
    data, content_type = export_rows(plan_with_dangerous_text, "csv")
    assert content_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Mục", "Tên mục", "STT", "Nội dung công việc"]
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    first = rows[1]
    assert first[3] == "'" + DANGEROUS[0] and first[4] == "'" + DANGEROUS[1] and first[5] == "'" + DANGEROUS[2]


def test_the_flat_export_has_one_row_per_task_in_print_order(le_loi_plan):
    data, _ = export_rows(le_loi_plan, "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
    assert len(rows) == Task.objects.filter(section__plan=le_loi_plan).count() == 55
    assert [row[2] for row in rows[:5]] == ["1", "2", "3", "1", "'-"]


def test_the_flat_xlsx_export_has_no_formula_cells(plan_with_dangerous_text):
    data, _ = export_rows(plan_with_dangerous_text, "xlsx")
    sheet = _sheet(data)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["D2"].value == "'" + DANGEROUS[0]


def test_the_template_has_the_same_layout_and_reads_as_an_empty_table(db):
    data = template_xlsx()
    sheet = _sheet(data)
    assert sheet["A1"].value == "KẾ HOẠCH"
    assert [cell.value for cell in sheet[5]] == [
        "STT",
        "Nội dung công việc",
        "Chủ trì",
        "Phối hợp",
        "Thời hạn",
        "Sản phẩm dự kiến",
    ]
    assert sheet.print_title_rows == "$5:$5" and sheet.page_setup.orientation == "landscape"
    parsed = parse_plan_file(name="mau.xlsx", data=data)
    assert parsed.sections == [] and parsed.blocking


def test_a_filled_in_template_imports(db):
    book = load_workbook(io.BytesIO(template_xlsx()))
    sheet = book.worksheets[0]
    for row, values in enumerate(
        [("I", "Công tác chỉ đạo"), ("1", "Ban hành Kế hoạch"), ("-", "Gửi các thôn")], start=6
    ):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
    stream = io.BytesIO()
    book.save(stream)
    parsed = parse_plan_file(name="mau.xlsx", data=stream.getvalue())
    task = parsed.sections[0]["tasks"][0]
    assert (task["content"], task["children"][0]["content"]) == ("Ban hành Kế hoạch", "Gửi các thôn")


def test_the_portals_own_export_places_unnumbered_rows_by_their_indent_alone(db):
    from tests.factories import PlanFactory

    plan = PlanFactory()
    sections = [
        {
            "number": "I",
            "title": "Mục",
            "lead": "",
            "partners": "",
            "deadline": "",
            "product": "",
            "tasks": [
                {
                    "number": "6",
                    "content": "Nhóm việc",
                    "lead": "",
                    "partners": "",
                    "deadline": "",
                    "product": "",
                    "children": [
                        {
                            "number": "",
                            "content": "Việc con không số",
                            "lead": "Văn phòng",
                            "partners": "",
                            "deadline": "",
                            "product": "",
                            "children": [],
                        },
                    ],
                },
                {
                    "number": "",
                    "content": "Việc không số ở cấp trên",
                    "lead": "Tư pháp",
                    "partners": "",
                    "deadline": "",
                    "product": "",
                    "children": [],
                },
            ],
        }
    ]
    replace_table(plan=plan, sections=sections, user=None)
    parsed = parse_plan_file(name="a.xlsx", data=plan_xlsx(plan))
    assert parsed.sections == sections
