"""The decision + plan + appendices as a Word file (plans.pdf.word), read back with python-docx and
with the portal's own importer.

Each seed plan is written once for the module (cached by unit and year: the seed is the same in every
test; a test that changes a plan writes its own file)."""

import io
import zipfile
from datetime import date

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from lxml import etree

from plans.files.importing import parse_plan_file
from plans.models import Plan
from plans.pdf.documents import plan_document_context
from plans.pdf.word import plan_docx
from plans.serializing import table_to_data
from tasks.models import Task
from tests.factories import PlanFactory, SectionFactory, TaskFactory, UnitFactory

pytestmark = pytest.mark.django_db

SEED_PLANS = [("le-loi", 2024), ("ha-tan", 2024), ("bac-giang", 2024), ("thanh-thuy", 2023)]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_written: dict = {}


def _data(plan):
    key = (plan.unit.slug, plan.year)
    if key not in _written:
        _written[key] = plan_docx(plan)
    return _written[key]


def _document(plan):
    return docx.Document(io.BytesIO(_data(plan)))


def _parts(document):
    """The body's paragraphs and tables, one list per Word section."""
    parts, current = [], []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:sectPr"):
            break
        current.append(child)
        if child.tag == qn("w:p") and child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            parts.append(current)
            current = []
    parts.append(current)
    return parts


def _text(elements):
    return "\n".join("".join(element.itertext()) for element in elements)


def _plan_table(document):
    return next(table for table in document.tables if "nội dung" in table.rows[0].cells[1].text.casefold())


def _table_of(plan):
    """table_to_data without the results (a plan has none to print)."""

    def row(task):
        return {**{k: v for k, v in task.items() if k != "result"}, "children": [row(c) for c in task["children"]]}

    return [{**section, "tasks": [row(task) for task in section["tasks"]]} for section in table_to_data(plan)]


@pytest.fixture
def le_loi(le_loi_plan):
    return _document(le_loi_plan)


# -- the round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("slug, year", SEED_PLANS)
def test_a_seed_plan_in_word_reads_back_as_the_same_table(seed, slug, year):
    plan = Plan.objects.get(unit__slug=slug, year=year)
    parsed = parse_plan_file(name=f"{slug}.docx", data=_data(plan))
    assert parsed.problems == []
    assert parsed.sections == _table_of(plan)


@pytest.mark.parametrize("slug, year", SEED_PLANS)
def test_the_title_lines_and_column_labels_read_back_as_the_pdf_prints_them(seed, slug, year):
    plan = Plan.objects.get(unit__slug=slug, year=year)
    parsed = parse_plan_file(name="x.docx", data=_data(plan))
    printed = plan_document_context(plan)["attachment_line"]  # filled with the decision's number and date
    assert (parsed.heading, parsed.title, parsed.attachment_line) == (plan.table_heading, plan.table_title, printed)
    assert parsed.columns == plan.column_labels


def test_a_plan_without_its_decision_is_its_table_alone_and_reads_back(db):
    plan = PlanFactory(unit=UnitFactory())
    section = SectionFactory(plan=plan, number="I", title="Công tác chỉ đạo")
    TaskFactory(section=section, number="1", content="Ban hành Kế hoạch")
    document = docx.Document(io.BytesIO(plan_docx(plan)))
    assert [section.orientation for section in document.sections] == [WD_ORIENT.LANDSCAPE]
    assert parse_plan_file(name="x.docx", data=plan_docx(plan)).sections == _table_of(plan)


# -- pages ----------------------------------------------------------------------------------------


def _mm(section):
    return tuple(
        round(length.mm)
        for length in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.right_margin,
            section.bottom_margin,
            section.left_margin,
        )
    )


def test_the_decision_is_a_portrait_section_the_plan_table_a_landscape_one_and_the_appendix_portrait(le_loi):
    decision, plan, appendix = _parts(le_loi)
    assert len(le_loi.sections) == 3
    assert _mm(le_loi.sections[0]) == (210, 297, 25, 20, 20, 30)  # Nghị định 30/2020, as the PDF
    assert _mm(le_loi.sections[1]) == (297, 210, 30, 20, 20, 25)
    assert _mm(le_loi.sections[2]) == (210, 297, 25, 20, 20, 30)
    assert [section.orientation for section in le_loi.sections] == [
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.PORTRAIT,
    ]
    assert "QUYẾT ĐỊNH:" in _text(decision) and "Nội dung công việc" not in _text(decision)
    assert _plan_table(le_loi)._tbl in plan
    assert "PHỤ LỤC" in _text(appendix)


def test_the_plan_tables_first_row_and_only_it_is_repeated_on_every_page(le_loi):
    rows = _plan_table(le_loi)._tbl.tr_lst
    assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert not any(row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for row in rows[1:])
    assert [cell.text for cell in _plan_table(le_loi).rows[0].cells] == [
        "Số TT",
        "Nội dung công việc",
        "Công chức tham mưu",
        "Tổ chức, cá nhân phối hợp",
        "Thời hạn hoàn thành",
        "Sản phẩm dự kiến hoàn thành",
    ]


def test_the_plan_table_is_252_mm_wide_like_the_pdfs(le_loi):
    widths = [int(col.get(qn("w:w"))) for col in _plan_table(le_loi)._tbl.tblGrid.gridCol_lst]
    assert round(sum(widths) * 25.4 / 1440) == 252 and len(widths) == 6


def test_each_part_is_numbered_from_one_with_no_number_on_its_first_page(le_loi):
    for section in le_loi.sections:
        sect_pr = section._sectPr
        assert sect_pr.find(qn("w:titlePg")) is not None
        assert sect_pr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    first = le_loi.sections[0]
    assert "PAGE" in "".join(first.header._element.itertext())
    assert "".join(first.first_page_header._element.itertext()).strip() == ""
    assert all(section.header.is_linked_to_previous for section in le_loi.sections[1:])


def test_every_font_is_times_new_roman_and_the_language_vietnamese(le_loi_plan):
    with zipfile.ZipFile(io.BytesIO(_data(le_loi_plan))) as package:
        names = package.namelist()
        # numbering.xml: the bullet glyphs (Symbol) of the template's list definitions, which nothing uses
        parts = [
            name for name in names if name.startswith("word/") and name.endswith(".xml") and "numbering" not in name
        ]
        trees = {name: etree.fromstring(package.read(name)) for name in parts if "theme" not in name}
    assert "word/stylesWithEffects.xml" not in names  # Word 2010 would take its theme fonts
    fonts = [element for tree in trees.values() for element in tree.iter(f"{W}rFonts")]
    assert fonts  # the defaults and the styles name it
    for element in fonts:
        assert {key.removeprefix(W): value for key, value in element.attrib.items()} == {
            name: "Times New Roman" for name in ("ascii", "hAnsi", "eastAsia", "cs")
        }
    language = trees["word/styles.xml"].find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert language.get(f"{W}val") == "vi-VN"


# -- what it says ---------------------------------------------------------------------------------


def test_the_header_is_a_borderless_table_of_the_bodies_the_quoc_hieu_and_the_date(le_loi):
    header = le_loi.tables[0]
    assert le_loi.element.body[0] is header._tbl  # the document opens with it
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {line.get(qn("w:val")) for line in borders} == {"nil"}
    (bodies, quoc_hieu), (number, place_date) = ([cell.text for cell in row.cells] for row in header.rows)
    assert bodies.startswith("ỦY BAN NHÂN DÂN\nXÃ LÊ LỢI")
    assert quoc_hieu.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    assert number.startswith("Số:") and number.endswith("/QĐ-UBND")
    assert place_date == "Lê Lợi, ngày 23 tháng 01 năm 2024"
    tieu_ngu = header.rows[0].cells[1].paragraphs[1]
    assert tieu_ngu.runs[0].underline and tieu_ngu.runs[0].bold  # its rule is as long as the text


def test_the_decision_says_what_the_pdf_says(le_loi_plan, le_loi):
    context = plan_document_context(le_loi_plan)
    paragraphs = {paragraph.text: paragraph for paragraph in le_loi.paragraphs}
    for basis in context["legal_bases"]:
        assert paragraphs[basis.text].runs[0].italic
    for article in context["articles"]:
        assert any(text.startswith(article.label) for text in paragraphs), article.label
    footer = _text([le_loi.tables[1]._tbl])
    assert "Nơi nhận:" in footer and "Đoàn Duy Việt" in footer and "CHỦ TỊCH" in footer
    for recipient in context["recipients"]:
        assert recipient.text in footer


def test_the_attachment_line_carries_the_issued_decisions_number_and_date(le_loi_plan):
    decision = le_loi_plan.decision
    decision.number, decision.issued_on = 5, date(2024, 1, 23)
    decision.save()
    texts = [paragraph.text for paragraph in docx.Document(io.BytesIO(plan_docx(le_loi_plan))).paragraphs]
    line = plan_document_context(le_loi_plan)["attachment_line"]
    assert "05/QĐ-UBND ngày 23 tháng 01 năm 2024" in line and line in texts


def _row(table, content_start):
    return next(row for row in table.rows if row.cells[1].text.startswith(content_start))


def _indent_mm(row):
    indent = row.cells[1].paragraphs[0].paragraph_format.left_indent
    return round(indent.mm) if indent is not None else 0


def test_bullets_print_a_dash_and_no_number_and_sub_items_are_indented(le_loi):
    table = _plan_table(le_loi)
    bullet = _row(table, "- Cải cách thủ tục thành chính")
    assert bullet.cells[0].text == "" and _indent_mm(bullet) == 4
    assert _indent_mm(_row(table, "Theo dõi, hướng dẫn, đôn đốc triển khai")) == 0
    two_one = next(row for row in table.rows if row.cells[0].text == "2.1.")
    assert _indent_mm(two_one) == 4
    assert _indent_mm(_row(table, "- Niêm yết, công khai")) == 8


def _has(row, tag):
    return row._tr.find(f"{qn('w:trPr')}/{qn(tag)}") is not None


def _is_merged_across(row):
    return bool(row._tr.xpath("./w:tc/w:tcPr/w:gridSpan"))


def test_rows_may_run_on_to_the_next_page_but_a_section_title_stays_whole_with_its_first_row(le_loi_plan, le_loi):
    header, *rows = _plan_table(le_loi).rows
    assert _has(header, "w:cantSplit")
    titles = [row for row in rows if _is_merged_across(row)]
    assert [row.cells[0].text for row in titles] == [section.number for section in le_loi_plan.sections.all()]
    for title in titles:
        assert _has(title, "w:cantSplit") and title.cells[1].paragraphs[0].paragraph_format.keep_with_next
    tasks = [row for row in rows if not _is_merged_across(row)]
    assert not any(_has(row, "w:cantSplit") for row in tasks)
    assert not any(row.cells[1].paragraphs[0].paragraph_format.keep_with_next for row in tasks)


def test_a_section_row_with_its_own_cells_runs_on_like_a_task(seed):
    plan = Plan.objects.get(unit__slug="bac-giang")
    numbers = {section.number for section in plan.sections.all() if section.has_cells}
    rows = [row for row in _plan_table(_document(plan)).rows if row.cells[0].text in numbers]
    assert len(rows) == len(numbers) > 0
    assert not any(_has(row, "w:cantSplit") or _is_merged_across(row) for row in rows)


def test_widow_control_keeps_two_lines_on_each_side_of_a_page_break(le_loi):
    assert le_loi.styles["Normal"].paragraph_format.widow_control


def test_characters_xml_cannot_hold_are_dropped_and_tabs_kept(le_loi_plan):
    task = Task.objects.filter(section__plan=le_loi_plan, parent=None).order_by("section__order", "order").first()
    task.content = "Nội dung\x0b có\x01\tký tự lạ"
    task.save()
    parsed = parse_plan_file(name="x.docx", data=plan_docx(le_loi_plan))
    assert parsed.sections[0]["tasks"][0]["content"] == "Nội dung có\tký tự lạ"


def test_the_appendix_lists_its_fields_under_a_repeated_header(le_loi_plan, le_loi):
    appendix = le_loi.tables[-1]
    appendix_rows = list(le_loi_plan.appendices.get().rows.all())
    assert [row.cells[1].text for row in appendix.rows[1:]] == [row.field_label for row in appendix_rows]
    assert appendix._tbl.tr_lst[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
