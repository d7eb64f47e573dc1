"""The printed decision + plan + appendix (Nghị định 30/2020/NĐ-CP layout), read back with pypdf.

Each seed plan is rendered once for the whole module: the PDF is cached by unit, year and version (the
seed is the same in every test and no cached test changes it), so the DB fixtures stay function-scoped
while the module renders only four documents.
"""

import io
import re

import pypdf
import pytest

from plans.models import Plan
from plans.pdf.documents import build_plan_pdf
from tasks.models import Task
from tthc_portal.printing import render_pdf

pytestmark = pytest.mark.django_db

A4_SHORT, A4_LONG = 595.28, 841.89
MM = 72 / 25.4
TABLE_HEADER = ["Nội dung công việc", "Công chức tham mưu", "Tổ chức, cá nhân phối hợp", "Sản phẩm dự kiến hoàn thành"]

_rendered = {}


def _render(plan):
    key = (plan.unit.slug, plan.year, plan.version)
    if key not in _rendered:
        result = build_plan_pdf(plan)
        _rendered[key] = (result, pypdf.PdfReader(io.BytesIO(result.data)))
    return _rendered[key]


@pytest.fixture
def le_loi(le_loi_plan):
    return _render(le_loi_plan)


@pytest.fixture
def le_loi_reader(le_loi):
    return le_loi[1]


@pytest.fixture
def bac_giang_reader(seed):
    return _render(Plan.objects.get(unit__slug="bac-giang", year=2024))[1]


def _flat(text):
    """Whitespace (line breaks, justification, preserved runs) collapsed to single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def _bare(text):
    """No whitespace at all: a cell's text, whatever its line breaks."""
    return re.sub(r"\s+", "", text)


def _texts(reader):
    return [page.extract_text() for page in reader.pages]


def _is_landscape(page):
    return float(page.mediabox.width) > float(page.mediabox.height)


def _parts(reader):
    """Page indexes of the decision (portrait, first), the plan table (landscape) and the appendix."""
    orientation = ["L" if _is_landscape(page) else "P" for page in reader.pages]
    first_landscape = orientation.index("L")
    last_landscape = len(orientation) - 1 - orientation[::-1].index("L")
    return (
        list(range(first_landscape)),
        list(range(first_landscape, last_landscape + 1)),
        list(range(last_landscape + 1, len(orientation))),
    )


def _top_margin_text(page, depth_mm=20):
    """The text drawn in the top `depth_mm` of the page (where the page number goes)."""
    height = float(page.mediabox.height)
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        # user-space y of the text origin: tm × cm
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and height - y < depth_mm * MM:
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return " ".join(found)


# Page geometry


def test_the_first_page_is_a4_portrait(le_loi_reader):
    box = le_loi_reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(A4_SHORT, abs=1)
    assert float(box.height) == pytest.approx(A4_LONG, abs=1)


def test_the_plan_table_pages_are_a4_landscape_between_portrait_decision_and_appendix(le_loi_reader):
    decision, plan, appendix = _parts(le_loi_reader)
    texts = _texts(le_loi_reader)
    assert decision and plan and appendix
    for index in plan:
        box = le_loi_reader.pages[index].mediabox
        assert float(box.width) == pytest.approx(A4_LONG, abs=1)
        assert float(box.height) == pytest.approx(A4_SHORT, abs=1)
    assert "QUYẾT ĐỊNH" in texts[decision[0]]
    assert texts[plan[0]].startswith("KẾ HOẠCH")
    assert texts[appendix[0]].startswith("PHỤ LỤC")


def test_the_le_loi_document_has_about_the_size_of_the_original(le_loi_reader):
    decision, plan, appendix = _parts(le_loi_reader)
    assert 2 <= len(decision) <= 5
    assert 6 <= len(plan) <= 14  # 50 pages when the content column was squeezed
    assert len(appendix) == 2


# Page 1


def test_page_one_carries_the_header_date_type_and_legal_bases(le_loi_plan, le_loi_reader):
    text = _flat(le_loi_reader.pages[0].extract_text())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN XÃ LÊ LỢI" in text
    assert "Lê Lợi, ngày 23 tháng 01 năm 2024" in text
    assert "QUYẾT ĐỊNH" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ LÊ LỢI" in text
    assert _flat(le_loi_plan.decision.legal_bases.first().text) in text


def test_the_quoc_hieu_prints_on_one_line(le_loi_reader):
    lines = le_loi_reader.pages[0].extract_text().splitlines()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in [line.strip() for line in lines]


def test_a_blank_number_keeps_its_spaces(le_loi_reader):
    assert re.search(r"Số: {4,}/QĐ-UBND", le_loi_reader.pages[0].extract_text())


# Page numbers


def test_each_part_is_numbered_on_its_own_from_its_second_page(le_loi_reader):
    pages = le_loi_reader.pages
    for part in _parts(le_loi_reader):
        assert _top_margin_text(pages[part[0]]) == ""
        for number, index in enumerate(part[1:], start=2):
            assert _top_margin_text(pages[index]) == str(number)


# Body, signature, recipients


def test_the_decision_ends_with_the_recipients_and_the_signer(le_loi_reader):
    decision, _, _ = _parts(le_loi_reader)
    text = _flat(" ".join(le_loi_reader.pages[i].extract_text() for i in decision))
    assert "QUYẾT ĐỊNH:" in text
    assert "Điều 3. Văn phòng HĐND-UBND xã" in text
    for expected in ["Nơi nhận:", "- Văn phòng UBND huyện;", "- Lưu: VP.", "Để báo cáo", "Để phối hợp", "Để thực hiện"]:
        assert expected in text
    assert "CHỦ TỊCH Đoàn Duy Việt" in text


def test_a_province_plan_prints_its_parts_the_kt_signature_and_the_footnotes(bac_giang_reader):
    decision, _, _ = _parts(bac_giang_reader)
    text = _flat(" ".join(bac_giang_reader.pages[i].extract_text() for i in decision))
    assert "KẾ HOẠCH" in text
    assert "I. MỤC ĐÍCH, YÊU CẦU" in text and "III. TỔ CHỨC THỰC HIỆN" in text
    assert "QUYẾT ĐỊNH:" not in text
    assert text.count("KT. CHỦ TỊCH") == 1
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert text.count("CHỦ TỊCH PHÓ CHỦ TỊCH") == 1  # the title is not repeated
    assert "Mai Sơn" in text
    assert "[1] Tại Nghị quyết số 76/NQ-CP" in text
    assert "+ Lưu: VT, NC-KSTT." in text


# The plan table


def test_every_task_of_the_plan_is_printed(le_loi_plan, le_loi_reader):
    _, plan, _ = _parts(le_loi_reader)
    pages = [_bare(le_loi_reader.pages[i].extract_text()) for i in plan]
    everything = "".join(pages)
    tasks = list(Task.objects.filter(section__plan=le_loi_plan))
    assert len(tasks) == 55
    for task in tasks:
        content = _bare(task.content)
        if content in everything:
            continue
        # a tall row split across two pages: its head on one page, its tail on the next
        split = any(
            content[:k] in pages[i] and content[k:] in pages[i + 1]
            for i in range(len(pages) - 1)
            for k in range(1, len(content))
        )
        assert split, f"missing: {task.number} {task.content[:60]}"


def test_distinctive_rows_print_whole(le_loi_reader):
    _, plan, _ = _parts(le_loi_reader)
    text = _flat(" ".join(le_loi_reader.pages[i].extract_text() for i in plan))
    # III.16 and IV.5 (its deadline says 2023: printed as stored)
    assert "Đẩy mạnh khai thác, tái sử dụng thông tin, dữ liệu đã được số hóa" in text
    assert "Tối thiểu 50% dữ liệu thông tin thủ tục hành chính được khai thác sử dụng." in text
    assert "Báo cáo định kỳ hoặc đột xuất về tình hình, kết quả công tác kiểm soát thủ tục hành chính" in text
    assert "Định kỳ hoặc đột xuất trong năm 2023" in text
    assert "Ứng dụng công nghệ thông tin trong giải quyết thủ tục hành chính" in text


def test_the_table_header_is_repeated_on_every_landscape_page(le_loi_reader):
    _, plan, _ = _parts(le_loi_reader)
    assert len(plan) > 1
    for index in plan:
        text = _flat(le_loi_reader.pages[index].extract_text())
        for label in TABLE_HEADER:
            assert label in text, (index + 1, label)


def test_bullet_rows_print_a_dash_and_no_number(le_loi_reader):
    _, plan, _ = _parts(le_loi_reader)
    lines = [line.strip() for i in plan for line in le_loi_reader.pages[i].extract_text().splitlines()]
    assert "- Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính;" in lines


# The appendix


def test_the_appendix_lists_all_34_fields(le_loi_plan, le_loi_reader):
    _, _, appendix = _parts(le_loi_reader)
    text = _flat(" ".join(le_loi_reader.pages[i].extract_text() for i in appendix))
    assert "PHỤ LỤC" in text
    assert "RÀ SOÁT, ĐÁNH GIÁ ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH NĂM 2024" in text
    assert "(Kèm theo Quyết định số" in text
    assert "Lĩnh vực Hộ tịch (35)" in text
    rows = list(le_loi_plan.appendices.get().rows.all())
    assert len(rows) == 34
    for row in rows:
        assert f"{row.number} {row.field_label} {row.deadline_text}" in text
    assert "Ghi chú: Các tổ chức, cá nhân rà soát" in text


# Fonts


def _fonts(resources, seen):
    """Every font dictionary reachable from a resource dictionary (form XObjects included)."""
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        yield font
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if id(xobject) in seen or xobject.get("/Subtype") != "/Form":
            continue
        seen.add(id(xobject))
        yield from _fonts(xobject.get("/Resources"), seen)


def test_only_liberation_serif_is_used_and_it_is_embedded(le_loi):
    result, reader = le_loi
    names = set()
    seen = set()
    for page in reader.pages:
        for font in _fonts(page.get("/Resources"), seen):
            base = str(font["/BaseFont"])
            names.add(base)
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for descendant in descendants:
                assert "/FontFile2" in descendant["/FontDescriptor"].get_object(), base
    assert names
    for name in names:
        assert re.fullmatch(r"/([A-Z]{6}\+)?Liberation-?Serif(-[A-Za-z-]+)?", name), name
    assert {re.sub(r"^/([A-Z]{6}\+)?", "", n) for n in names} >= {"Liberation-Serif", "Liberation-Serif-Bold"}
    # the fonts come from the project's static files (fetched, not refused), not from the system
    assert result.refused_urls == []


# Security: user text is escaped, and the fetcher refuses anything but static files


def test_markup_typed_into_a_plan_prints_as_text_and_fetches_nothing(le_loi_plan):
    task = Task.objects.filter(section__plan=le_loi_plan, number="16").get()
    task.content = 'Nội dung <img src="file:///etc/passwd"> kết thúc'
    task.product = '<link rel="stylesheet" href="http://example.com/x.css">'
    task.save()

    result = build_plan_pdf(le_loi_plan)
    reader = pypdf.PdfReader(io.BytesIO(result.data))

    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    assert 'Nội dung <img src="file:///etc/passwd"> kết thúc' in text
    assert _bare('<link rel="stylesheet" href="http://example.com/x.css">') in _bare(text)
    assert result.refused_urls == []


def test_the_fetcher_refuses_files_and_network_even_in_raw_html():
    html = (
        '<html><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head>'
        '<body><p>Văn bản</p><img src="file:///etc/passwd"></body></html>'
    )

    result = render_pdf(html)

    assert "file:///etc/passwd" in result.refused_urls
    assert "http://127.0.0.1:9/x.css" in result.refused_urls
    assert result.pages == 1
    assert result.data.startswith(b"%PDF")
    assert "Văn bản" in pypdf.PdfReader(io.BytesIO(result.data)).pages[0].extract_text()
