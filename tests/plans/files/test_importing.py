"""Reading a plan table from .xlsx and .docx files shaped like the communes' own (built here with
openpyxl / python-docx), and writing it to a plan."""

import io
import unicodedata
import zipfile

import docx
import pytest
from openpyxl import Workbook

from periods.models import ReportingPeriod
from plans.files.importing import (
    ImportRefused,
    column_field,
    import_parsed,
    parse_plan_file,
    replace_table,
    split_executor,
    unescape_formula,
)
from plans.files.uploads import ImportRejected
from plans.models import Plan, PlanComment
from plans.serializing import table_to_data
from tasks.models import ProgressEvidence, Section, Task, TaskProgress
from tests.factories import TaskFactory, UserFactory

HEADER = [
    "Số TT",
    "Nội dung công việc",
    "Công chức tham mưu",
    "Tổ chức, cá nhân phối hợp",
    "Thời hạn hoàn thành",
    "Sản phẩm dự kiến",
]


# -- builders (also used by the other test modules) ------------------------------------------------


def xlsx_bytes(rows, *, title_rows=(), merges=(), build=None):
    """A workbook whose first sheet has `title_rows` (one text each), then `rows` (lists of cells)."""
    book = Workbook()
    sheet = book.active
    for text in title_rows:
        sheet.append([text])
    for row in rows:
        sheet.append(list(row))
    for merge in merges:
        sheet.merge_cells(merge)
    if build:
        build(book, sheet)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def docx_bytes(rows, *, paragraphs=(), merge_rows=(), vertical_merges=()):
    """A Word document: `paragraphs`, then one table of `rows`. `merge_rows`: indexes of rows whose
    cells are merged across (the text stays in the first cell); `vertical_merges`: (first row, last
    row, column) merged down."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                cell = table.cell(r, c)
                lines = str(text).split("\n")
                cell.text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)
    for r in merge_rows:
        table.cell(r, 0).merge(table.cell(r, width - 1))
    for first, last, column in vertical_merges:
        table.cell(first, column).merge(table.cell(last, column))
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def parse_xlsx(rows, **kwargs):
    return parse_plan_file(name="ke-hoach.xlsx", data=xlsx_bytes(rows, **kwargs))


def rows_of(section):
    return [(task["number"], task["content"]) for task in section["tasks"]]


# -- finding the header and the columns ------------------------------------------------------------


def test_the_header_is_found_under_title_rows():
    parsed = parse_xlsx(
        [
            HEADER,
            ["I", "Xây dựng văn bản"],
            ["1", "Ban hành Kế hoạch", "Văn phòng", "Công chức", "Quý I/2024", "Kế hoạch"],
        ],
        title_rows=[
            "KẾ HOẠCH",
            "Kiểm soát thủ tục hành chính năm 2024",
            "(Ban hành kèm theo Quyết định số 05/QĐ-UBND)",
        ],
    )
    assert parsed.heading == "KẾ HOẠCH"
    assert parsed.title == "Kiểm soát thủ tục hành chính năm 2024"
    assert parsed.attachment_line == "(Ban hành kèm theo Quyết định số 05/QĐ-UBND)"
    assert parsed.sections[0]["tasks"][0]["lead"] == "Văn phòng"


@pytest.mark.parametrize(
    "label, field",
    [
        ("STT", "number"),
        ("TT", "number"),
        ("Số TT", "number"),
        ("Số thứ tự", "number"),
        ("Nội dung", "content"),
        ("Nội dung công việc", "content"),
        ("NỘI DUNG CÔNG VIỆC", "content"),
        ("Chủ trì", "lead"),
        ("Cơ quan chủ trì", "lead"),
        ("Đơn vị chủ trì", "lead"),
        ("Công chức tham mưu", "lead"),
        ("Phối hợp", "partners"),
        ("Cơ quan phối hợp", "partners"),
        ("Tổ chức, cá nhân phối hợp", "partners"),
        ("Thời hạn", "deadline"),
        ("Thời gian hoàn thành", "deadline"),
        ("Thời gian thực hiện", "deadline"),
        ("Thời hạn\nhoàn thành", "deadline"),
        ("Sản phẩm", "product"),
        ("Sản phẩm dự kiến", "product"),
        ("Sản phẩm (dự kiến)", "product"),
        ("DỰ KIẾN SẢN PHẨM", "product"),
        ("Kết quả công việc", "product"),
        ("Cơ quan, đơn vị thực hiện", "executor"),
        ("Ghi chú", None),
        ("Kết quả thực hiện 9 tháng đầu năm 2023", None),
    ],
)
def test_columns_are_matched_by_their_real_names(label, field):
    assert column_field(label) == field


def test_columns_may_come_in_any_order_and_some_may_be_missing():
    parsed = parse_xlsx(
        [
            ["Thời gian hoàn thành", "TT", "Nội dung", "Chủ trì"],
            ["", "I", "Chỉ đạo, điều hành"],
            ["Tháng 3/2024", "1", "Rà soát thủ tục", "Văn phòng"],
        ]
    )
    task = parsed.sections[0]["tasks"][0]
    assert (task["number"], task["content"], task["lead"], task["deadline"]) == (
        "1",
        "Rà soát thủ tục",
        "Văn phòng",
        "Tháng 3/2024",
    )
    assert (task["partners"], task["product"]) == ("", "")
    assert set(parsed.columns) == {"number", "content", "lead", "deadline"}


def test_the_column_labels_are_kept_as_printed():
    parsed = parse_xlsx([HEADER, ["I", "Mục"], ["1", "Việc"]])
    assert parsed.columns["lead"] == "Công chức tham mưu"
    assert parsed.columns["partners"] == "Tổ chức, cá nhân phối hợp"


def test_a_file_without_a_recognisable_header_is_refused():
    with pytest.raises(ImportRejected, match="Không tìm thấy dòng tiêu đề"):
        parse_xlsx([["Họ tên", "Ngày sinh"], ["Nguyễn Văn A", "01/01/1990"]])


def test_the_numbering_row_under_the_header_is_skipped():
    parsed = parse_xlsx([HEADER, ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"], ["I", "Mục một"], ["1", "Việc một"]])
    assert [section["number"] for section in parsed.sections] == ["I"]
    assert rows_of(parsed.sections[0]) == [("1", "Việc một")]


def test_a_two_row_header_with_lead_and_partners_under_one_heading():
    parsed = parse_xlsx(
        [
            ["STT", "Nội dung công việc", "Cơ quan thực hiện", None, "Thời hạn"],
            [None, None, "Chủ trì", "Phối hợp", None],
            ["I", "Mục"],
            ["1", "Việc", "Văn phòng", "Công an xã", "Quý II/2024"],
        ]
    )
    task = parsed.sections[0]["tasks"][0]
    assert (task["lead"], task["partners"], task["deadline"]) == ("Văn phòng", "Công an xã", "Quý II/2024")


# -- sections, numbers, nesting ---------------------------------------------------------------------


def test_sections_are_rows_numbered_in_roman_numerals():
    parsed = parse_xlsx(
        [HEADER, ["I", "Chỉ đạo"], ["1", "Việc"], ["II", "Công khai"], ["1", "Việc khác"], ["IX", "Khác"]]
    )
    assert [(s["number"], s["title"]) for s in parsed.sections] == [
        ("I", "Chỉ đạo"),
        ("II", "Công khai"),
        ("IX", "Khác"),
    ]


def test_a_section_row_merged_across_the_whole_row_is_a_section():
    parsed = parse_xlsx([HEADER, ["I. XÂY DỰNG VĂN BẢN CHỈ ĐẠO"], ["1", "Việc"]], merges=["A2:F2"])
    assert (parsed.sections[0]["number"], parsed.sections[0]["title"]) == ("I", "XÂY DỰNG VĂN BẢN CHỈ ĐẠO")
    assert rows_of(parsed.sections[0]) == [("1", "Việc")]


def test_a_section_row_may_carry_cells():
    parsed = parse_xlsx([HEADER, ["V", "Nâng cao trách nhiệm", "Các sở", "Văn phòng", "Thường xuyên", "Văn bản"]])
    section = parsed.sections[0]
    assert (section["lead"], section["partners"], section["deadline"], section["product"]) == (
        "Các sở",
        "Văn phòng",
        "Thường xuyên",
        "Văn bản",
    )


def test_numbers_are_kept_as_printed_gaps_included():
    parsed = parse_xlsx([HEADER, ["I", "Mục"], ["1.", "Một"], ["3.", "Ba"], ["10", "Mười"], ["", "Không số"]])
    assert rows_of(parsed.sections[0]) == [("1.", "Một"), ("3.", "Ba"), ("10", "Mười"), ("", "Không số")]


def test_numbers_typed_as_numbers_in_excel_come_back_as_text():
    parsed = parse_xlsx([HEADER, ["I", "Mục"], [1, "Một"], [2.1, "Hai chấm một"]])
    assert [task["number"] for task in parsed.sections[0]["tasks"]] == ["1", "2.1"]


def test_dash_rows_are_sub_items_of_the_row_above():
    parsed = parse_xlsx(
        [
            HEADER,
            ["I", "Mục"],
            ["1", "Hướng dẫn thực hiện:", "Văn phòng"],
            ["-", "Niêm yết TTHC"],
            ["-", "Số hóa hồ sơ"],
            ["2", "Báo cáo"],
        ]
    )
    first, second = parsed.sections[0]["tasks"]
    assert [(c["number"], c["content"]) for c in first["children"]] == [("-", "Niêm yết TTHC"), ("-", "Số hóa hồ sơ")]
    assert (second["number"], second["children"]) == ("2", [])


def test_an_unnumbered_row_starting_with_a_dash_is_a_bullet_sub_item():
    parsed = parse_xlsx([HEADER, ["I", "Mục"], ["1", "Tuyên truyền:"], [None, "- Ký hợp đồng tuyên truyền"]])
    child = parsed.sections[0]["tasks"][0]["children"][0]
    assert (child["number"], child["content"]) == ("-", "Ký hợp đồng tuyên truyền")


def test_dotted_numbers_are_sub_items_of_their_prefix_and_bullets_go_one_deeper():
    parsed = parse_xlsx(
        [
            HEADER,
            ["I", "Mục"],
            ["2", "Tổ chức thực hiện, gồm:"],
            ["2.1.", "Công bố TTHC"],
            ["-", "Niêm yết"],
            ["2.2.", "Rà soát"],
            ["3", "Khác"],
        ]
    )
    two, three = parsed.sections[0]["tasks"]
    assert [c["number"] for c in two["children"]] == ["2.1.", "2.2."]
    assert [c["content"] for c in two["children"][0]["children"]] == ["Niêm yết"]
    assert three["number"] == "3"


def test_multi_line_cells_keep_their_lines():
    parsed = parse_xlsx([HEADER, ["I", "Mục"], ["1", "Việc", "- Văn phòng HĐND-UBND;\n- Các công chức"]])
    assert parsed.sections[0]["tasks"][0]["lead"] == "- Văn phòng HĐND-UBND;\n- Các công chức"


def test_rows_before_the_first_section_go_into_an_unnamed_section_with_a_note():
    parsed = parse_xlsx([HEADER, ["1", "Việc không thuộc mục nào"]])
    assert parsed.sections[0]["number"] == "" and rows_of(parsed.sections[0]) == [("1", "Việc không thuộc mục nào")]
    assert not parsed.blocking and parsed.problems[0].row == 2


def test_reading_stops_at_the_signature_block_under_the_table():
    parsed = parse_xlsx(
        [
            HEADER,
            ["I", "Mục"],
            ["1", "Việc"],
            ["Nơi nhận:", None, None, None, "CHỦ TỊCH"],
            ["- Lưu: VT."],
            [None, None, None, None, "Nguyễn Văn A"],
        ]
    )
    assert rows_of(parsed.sections[0]) == [("1", "Việc")]
    assert parsed.sections[0]["tasks"][0]["deadline"] == ""
    assert parsed.problems[0].row == 4 and not parsed.blocking


def test_a_note_written_across_the_row_is_left_out_with_a_remark():
    parsed = parse_xlsx(
        [HEADER, ["I", "Mục"], ["1", "Việc"], ["Ghi chú: các đơn vị báo cáo trước ngày 15 hằng tháng"]],
        merges=["A4:F4"],
    )
    assert rows_of(parsed.sections[0]) == [("1", "Việc")]
    assert "Ghi chú" in parsed.problems[0].message and not parsed.blocking


def test_a_combined_executor_column_is_split_into_lead_and_partners():
    parsed = parse_xlsx(
        [
            ["STT", "Nội dung công việc", "Cơ quan, đơn vị thực hiện", "Thời gian thực hiện"],
            ["I", "Mục"],
            ["1", "Rà soát TTHC", "Văn phòng UBND xã chủ trì; các công chức chuyên môn phối hợp", "Quý III/2024"],
        ]
    )
    task = parsed.sections[0]["tasks"][0]
    assert (task["lead"], task["partners"]) == ("Văn phòng UBND xã", "các công chức chuyên môn")


@pytest.mark.parametrize(
    "text, lead, partners",
    [
        ("Văn phòng chủ trì; Công an xã phối hợp", "Văn phòng", "Công an xã"),
        ("Chủ trì: Văn phòng; Phối hợp: Tư pháp, Địa chính", "Văn phòng", "Tư pháp, Địa chính"),
        ("Văn phòng HĐND-UBND", "Văn phòng HĐND-UBND", ""),
    ],
)
def test_split_executor(text, lead, partners):
    assert split_executor(text) == (lead, partners)


# -- text -----------------------------------------------------------------------------------------


def test_decomposed_vietnamese_matches_and_is_stored_composed():
    nfd = [unicodedata.normalize("NFD", text) for text in HEADER]
    parsed = parse_xlsx(
        [nfd, ["I", unicodedata.normalize("NFD", "Công khai thủ tục")], ["1", unicodedata.normalize("NFD", "Niêm yết")]]
    )
    assert parsed.sections[0]["title"] == "Công khai thủ tục"
    assert parsed.sections[0]["tasks"][0]["content"] == unicodedata.normalize("NFC", "Niêm yết")
    assert parsed.columns["lead"] == "Công chức tham mưu"


def test_the_formula_escape_apostrophe_is_removed():
    parsed = parse_xlsx([HEADER, ["I", "Mục"], ["1", "Việc", "'- Văn phòng", "'=không phải công thức"]])
    task = parsed.sections[0]["tasks"][0]
    assert (task["lead"], task["partners"]) == ("- Văn phòng", "=không phải công thức")


@pytest.mark.parametrize(
    "text, expected", [("'=1+1", "=1+1"), ("'- a", "- a"), ("'@x", "@x"), ("'abc", "'abc"), ("'", "'")]
)
def test_unescape_formula(text, expected):
    assert unescape_formula(text) == expected


def _with_cached_values(data, values):
    """openpyxl writes no calculated values; put some in, as Excel would have saved them."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for formula, value in values.items():
                    text = text.replace(f"<f>{formula}</f><v></v>", f"<f>{formula}</f><v>{value}</v>")
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def test_a_formula_cell_with_a_calculated_value_gives_that_value_and_a_note():
    data = _with_cached_values(xlsx_bytes([HEADER, ["I", "Mục"], ["1", "Một"], ["=A3+1", "Hai"]]), {"A3+1": "2"})
    parsed = parse_plan_file(name="so-tu-dong.xlsx", data=data)
    assert rows_of(parsed.sections[0]) == [("1", "Một"), ("2", "Hai")]
    assert not parsed.blocking
    assert parsed.problems[0].row == 4 and "công thức" in parsed.problems[0].message


def test_a_formula_cell_without_a_value_is_a_blocking_problem_naming_the_row():
    parsed = parse_xlsx([HEADER, ["I", "Mục"], ["1", '=HYPERLINK("http://x.invalid","Bấm")']])
    assert parsed.blocking
    assert parsed.problems[0].row == 3
    assert "có công thức" in str(parsed.problems[0]) and str(parsed.problems[0]).startswith("Dòng 3:")


# -- .docx ----------------------------------------------------------------------------------------


def test_a_word_table_under_a_title_paragraph_with_a_merged_section_row():
    data = docx_bytes(
        [
            [
                "TT",
                "Nội dung công việc",
                "Cơ quan chủ trì",
                "Cơ quan phối hợp",
                "Thời gian hoàn thành",
                "Sản phẩm dự kiến",
            ],
            ["I. Xây dựng văn bản chỉ đạo", "", "", "", "", ""],
            ["1", "Xây dựng Kế hoạch", "Văn phòng", "Các ngành", "Trước ngày 20/01/2024", "Kế hoạch\nđược ban hành"],
            ["-", "Gửi các thôn", "", "", "", ""],
        ],
        paragraphs=["KẾ HOẠCH", "Kiểm soát thủ tục hành chính năm 2024"],
        merge_rows=[1],
    )
    parsed = parse_plan_file(name="ke-hoach.docx", data=data)
    assert parsed.kind == "docx"
    assert (parsed.heading, parsed.title) == ("KẾ HOẠCH", "Kiểm soát thủ tục hành chính năm 2024")
    section = parsed.sections[0]
    assert (section["number"], section["title"]) == ("I", "Xây dựng văn bản chỉ đạo")
    task = section["tasks"][0]
    assert (task["number"], task["lead"], task["product"]) == ("1", "Văn phòng", "Kế hoạch\nđược ban hành")
    assert [(c["number"], c["content"]) for c in task["children"]] == [("-", "Gửi các thôn")]


def test_a_word_cell_merged_down_over_the_sub_items_belongs_to_the_row_above():
    data = docx_bytes(
        [
            HEADER,
            ["I", "Mục", "", "", "", ""],
            ["1", "Hướng dẫn:", "Văn phòng", "", "", ""],
            ["-", "Niêm yết", "", "", "", ""],
            ["-", "Số hóa", "", "", "", ""],
        ],
        vertical_merges=[(2, 4, 2)],
    )
    task = parse_plan_file(name="a.docx", data=data).sections[0]["tasks"][0]
    assert task["lead"] == "Văn phòng"
    assert [child["lead"] for child in task["children"]] == ["", ""]


def test_a_word_section_row_with_the_numeral_in_its_own_cell():
    data = docx_bytes([HEADER, ["II", "Công khai TTHC", "", "", "", ""], ["1", "Niêm yết", "", "", "", ""]])
    parsed = parse_plan_file(name="a.docx", data=data)
    assert [(s["number"], s["title"]) for s in parsed.sections] == [("II", "Công khai TTHC")]


def test_the_title_of_a_word_table_is_read_after_the_section_break_before_it():
    """A decision printed ahead of its plan (plans.pdf.word): its own "KẾ HOẠCH" heading is not the table's."""
    from docx.enum.section import WD_SECTION

    document = docx.Document()
    for text in ("KẾ HOẠCH", "Thực hiện kiểm soát thủ tục hành chính năm 2024", "Điều 1. Ban hành kèm theo"):
        document.add_paragraph(text)
    document.add_section(WD_SECTION.NEW_PAGE)
    document.add_paragraph("Phụ lục")
    document.add_paragraph("Nhiệm vụ cụ thể")
    table = document.add_table(rows=2, cols=len(HEADER))
    for column, text in enumerate(HEADER):
        table.cell(0, column).text = text
    table.cell(1, 0).text, table.cell(1, 1).text = "I", "Công khai TTHC"
    stream = io.BytesIO()
    document.save(stream)
    parsed = parse_plan_file(name="a.docx", data=stream.getvalue())
    assert (parsed.heading, parsed.title) == ("Phụ lục", "Nhiệm vụ cụ thể")


def test_a_word_file_without_a_plan_table_is_refused():
    with pytest.raises(ImportRejected, match="Không tìm thấy dòng tiêu đề"):
        parse_plan_file(name="a.docx", data=docx_bytes([["Họ tên", "Chức vụ"], ["A", "B"]]))


# -- writing --------------------------------------------------------------------------------------

SECTIONS = [
    {
        "number": "I",
        "title": "Mục mới",
        "tasks": [{"number": "1", "content": "Việc mới", "deadline": "Quý II/2024", "children": []}],
    }
]


@pytest.fixture
def editor_and_plan(db):
    from orgs.models import Membership
    from tests.factories import DecisionFactory, SectionFactory, TaskFactory, member

    plan = DecisionFactory().plan
    TaskFactory(section=SectionFactory(plan=plan), content="Việc cũ")
    return member(plan.unit, Membership.Role.EDITOR), plan


def test_replace_table_writes_the_new_table_and_bumps_the_version(editor_and_plan):
    editor, plan = editor_and_plan
    version = plan.version
    replace_table(plan=plan, sections=SECTIONS, user=editor)
    data = table_to_data(plan)
    assert [(s["title"], [t["content"] for t in s["tasks"]]) for s in data] == [("Mục mới", ["Việc mới"])]
    assert plan.version == version + 1
    assert plan.sections.get().tasks.get().due_dates == ["2024-06-30"]


def test_replace_table_is_all_or_nothing(editor_and_plan):
    editor, plan = editor_and_plan
    broken = [*SECTIONS, {"number": "II", "title": "Hỏng", "tasks": [{"number": "1"}]}]  # a row without content
    with pytest.raises(KeyError):
        replace_table(plan=plan, sections=broken, user=editor)
    assert [t["content"] for s in table_to_data(plan) for t in s["tasks"]] == ["Việc cũ"]
    assert Plan.objects.get(pk=plan.pk).version == plan.version
    assert not Task.history.filter(history_type="-").exists()


def test_replace_table_keeps_each_old_row_in_the_history_as_deleted_by_the_importer(editor_and_plan):
    editor, plan = editor_and_plan
    old_section, old_task = plan.sections.get(), Task.objects.get(section__plan=plan)
    replace_table(plan=plan, sections=SECTIONS, user=editor)
    deleted = Task.history.get(id=old_task.pk, history_type="-")
    assert (deleted.content, deleted.section_id, deleted.history_user) == ("Việc cũ", old_section.pk, editor)
    assert Section.history.get(id=old_section.pk, history_type="-").history_user == editor


def test_replace_table_records_each_new_row_as_created_by_the_importer_at_the_same_moment(editor_and_plan):
    editor, plan = editor_and_plan
    old_task = Task.objects.get(section__plan=plan)
    replace_table(plan=plan, sections=SECTIONS, user=editor)
    created = Task.history.get(id=Task.objects.get(section__plan=plan).pk)
    assert (created.history_type, created.content, created.due_dates) == ("+", "Việc mới", ["2024-06-30"])
    assert created.history_user == editor
    assert created.history_date == Task.history.get(id=old_task.pk, history_type="-").history_date


def test_replace_table_removes_the_old_rows_progress_and_its_evidence(editor_and_plan):
    editor, plan = editor_and_plan
    task = Task.objects.get(section__plan=plan)
    progress = TaskProgress.objects.create(task=task, period=ReportingPeriod.objects.first(), status="done")
    ProgressEvidence.objects.create(progress=progress, number="12/BC-UBND")
    replace_table(plan=plan, sections=SECTIONS, user=editor)
    assert not TaskProgress.objects.filter(pk=progress.pk).exists()
    assert not ProgressEvidence.objects.filter(progress_id=progress.pk).exists()


def test_a_comment_on_a_replaced_row_stays_on_the_plan_without_its_row(editor_and_plan):
    editor, plan = editor_and_plan
    task = Task.objects.get(section__plan=plan)
    comment = PlanComment.objects.create(plan=plan, task=task, task_label="Dòng 1: Việc cũ", text="Sửa thời hạn.")
    replace_table(plan=plan, sections=SECTIONS, user=editor)
    comment.refresh_from_db()
    assert (comment.plan_id, comment.task_id, comment.task_label) == (plan.pk, None, "Dòng 1: Việc cũ")


def test_a_row_of_another_plan_taken_from_a_replaced_row_keeps_its_text_and_loses_the_link(editor_and_plan):
    editor, plan = editor_and_plan
    higher = Task.objects.get(section__plan=plan)
    lower = TaskFactory(content="Việc lấy từ kế hoạch cấp trên", source=higher, origin=higher)
    replace_table(plan=plan, sections=SECTIONS, user=editor)
    lower.refresh_from_db()
    assert (lower.content, lower.source_id, lower.origin_id) == ("Việc lấy từ kế hoạch cấp trên", None, None)


def test_replace_table_refuses_a_user_who_may_not_edit(editor_and_plan):
    _, plan = editor_and_plan
    with pytest.raises(ImportRefused, match="không có quyền"):
        replace_table(plan=plan, sections=SECTIONS, user=UserFactory())
    assert [t["content"] for s in table_to_data(plan) for t in s["tasks"]] == ["Việc cũ"]


def test_replace_table_refuses_a_submitted_plan(editor_and_plan):
    editor, plan = editor_and_plan
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SUBMITTED)
    plan.refresh_from_db()
    with pytest.raises(ImportRefused, match="Đã gửi thẩm định"):
        replace_table(plan=plan, sections=SECTIONS, user=editor)


def test_import_parsed_refuses_a_table_with_blocking_problems(editor_and_plan):
    editor, plan = editor_and_plan
    parsed = parse_xlsx([HEADER, ["I", "Mục"], ["1", "=1+1"]])
    with pytest.raises(ImportRefused, match="còn lỗi"):
        import_parsed(plan=plan, parsed=parsed, user=editor)
    assert [t["content"] for s in table_to_data(plan) for t in s["tasks"]] == ["Việc cũ"]


def test_import_parsed_stores_the_column_labels_found(editor_and_plan):
    editor, plan = editor_and_plan
    import_parsed(plan=plan, parsed=parse_xlsx([HEADER, ["I", "Mục"], ["1", "Việc"]]), user=editor)
    plan.refresh_from_db()
    assert plan.column_labels["lead"] == "Công chức tham mưu"
    assert plan.column_labels["number"] == "Số TT"


# -- the seeds, typed into Word tables the way the communes print them ------------------------------


def _seed_as_word(path):
    """A seed plan's table as a Word table: section rows merged across ("I. Tên mục") unless they
    carry cells, no indentation, sub-items told apart only by their numbers."""
    import json

    table = json.loads(path.read_text())["table"]
    keys = ("number", "content", "lead", "partners", "deadline", "product")
    rows, merged = [[table["columns"][key] for key in keys]], []

    def add(tasks):
        for task in tasks:
            rows.append([task[key] for key in keys])
            add(task["children"])

    for section in table["sections"]:
        if any(section.get(key) for key in keys[2:]):
            rows.append([section["number"], section["title"], *(section[key] for key in keys[2:])])
        else:
            merged.append(len(rows))
            rows.append([f"{section['number']}. {section['title']}", "", "", "", "", ""])
        add(section["tasks"])
    data = docx_bytes(rows, paragraphs=[table["heading"], table["title"], table["attachment_line"]], merge_rows=merged)

    def expected(tasks):
        return [{**{key: task[key] for key in keys}, "children": expected(task["children"])} for task in tasks]

    sections = [
        {**{key: s.get(key, "") for key in ("number", "title", *keys[2:])}, "tasks": expected(s["tasks"])}
        for s in table["sections"]
    ]
    return data, sections


@pytest.mark.parametrize("name", ["le-loi-2024", "ha-tan-2024", "bac-giang-2024", "thanh-thuy-2023"])
def test_each_seed_typed_as_a_word_table_reads_back_exactly(name):
    from django.conf import settings

    data, sections = _seed_as_word(settings.BASE_DIR / "fixtures" / "plans" / f"{name}.json")
    parsed = parse_plan_file(name=f"{name}.docx", data=data)
    assert parsed.problems == []
    assert parsed.sections == sections


def test_an_unnumbered_row_with_cells_under_a_numbered_row_without_cells_is_its_sub_item():
    parsed = parse_xlsx(
        [
            HEADER,
            ["III", "Một cửa"],
            ["6", "Chứng thực bản sao điện tử"],
            ["", "Triển khai dịch vụ", "UBND huyện", "Sở TTTT", "Thường xuyên", "Báo cáo"],
            ["7", "Công khai kết quả", "Sở TTTT"],
        ]
    )
    six, seven = parsed.sections[0]["tasks"]
    assert [(c["number"], c["content"]) for c in six["children"]] == [("", "Triển khai dịch vụ")]
    assert seven["children"] == []
