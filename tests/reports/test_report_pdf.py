"""The printed báo cáo (Nghị định 30/2020 layout, appendix as seed 004), read back with pypdf.

The Thanh Thủy 9-month report is rendered once for the module (keyed by the plan's version); the
tests that change data render their own."""

import io
import re
from decimal import Decimal

import pypdf
import pytest

from indicators.models import Indicator, Measurement, PlanTarget
from periods.models import ReportingPeriod
from plans.models import Plan
from reports.documents import build_report_pdf
from reports.services import get_report
from tasks.models import ProgressEvidence, TaskProgress

pytestmark = pytest.mark.django_db

A4_SHORT, A4_LONG = 595.28, 841.89
_rendered = {}


def _flat(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def thanh_thuy(seed):
    return Plan.objects.select_related("unit__parent").get(unit__slug="thanh-thuy", year=2023)


@pytest.fixture
def nine_months(db):
    return ReportingPeriod.objects.get(code="9M")


def _render(plan, period):
    result = build_report_pdf(get_report(plan=plan, period=period))
    return result, pypdf.PdfReader(io.BytesIO(result.data))


@pytest.fixture
def rendered(thanh_thuy, nine_months):
    key = (thanh_thuy.pk, thanh_thuy.version)
    if key not in _rendered:
        _rendered[key] = _render(thanh_thuy, nine_months)
    return _rendered[key]


@pytest.fixture
def pages(rendered):
    return [page.extract_text() for page in rendered[1].pages]


def _portrait(page):
    return (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == (A4_SHORT, A4_LONG)


def test_page_one_has_the_header_number_date_and_title(pages):
    first = _flat(pages[0])
    assert "ỦY BAN NHÂN DÂN XÃ THANH THỦY" in first
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Độc lập - Tự do - Hạnh phúc" in first
    assert "Số: /BC-UBND" in first
    assert "Thanh Thủy, ngày 15 tháng 09 năm 2023" in first
    assert (
        "BÁO CÁO Kết quả thực hiện công tác kiểm soát thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên "
        "thông 9 tháng đầu năm 2023" in first
    )


def test_the_narrative_prints_its_sections_in_order_with_the_draft(pages):
    text = _flat(" ".join(pages))
    headings = [
        "I. KẾT QUẢ THỰC HIỆN",
        "1. Kết quả thực hiện các nội dung của Kế hoạch",
        "2. Kết quả thực hiện các chỉ tiêu",
        "3. Các nội dung chậm, chưa thực hiện",
        "II. TỒN TẠI, HẠN CHẾ",
        "III. NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI",
        "Nơi nhận:",
        "Phụ lục Nội dung kết quả thực hiện",
    ]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert "đã triển khai thực hiện 29/32 nội dung công việc theo Kế hoạch, đạt 90,625%" in text
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text


def test_the_report_is_portrait_and_the_appendix_landscape(rendered, pages):
    reader = rendered[1]
    appendix_start = next(i for i, text in enumerate(pages) if _flat(text).startswith("Phụ lục"))
    assert appendix_start >= 1
    assert all(_portrait(page) for page in reader.pages[:appendix_start])
    assert not any(_portrait(page) for page in reader.pages[appendix_start:])


def test_the_appendix_has_every_plan_column_and_the_result_column(pages):
    appendix = _flat(next(text for text in pages if _flat(text).startswith("Phụ lục")))
    assert "Nội dung kết quả thực hiện nhiệm vụ kiểm soát thủ tục hành chính" in appendix
    assert "(Kèm theo Báo cáo số /BC-UBND ngày 15/09/2023 của UBND xã Thanh Thủy)" in appendix
    for column in (
        "TT",
        "Nội dung công việc",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Thời hạn hoàn thành",
        "Sản phẩm dự kiến",
    ):
        assert column in appendix
    assert "Kết quả thực hiện 9 tháng đầu năm 2023" in appendix


def test_the_appendix_ends_with_the_tally_lines_exactly(pages):
    last = re.sub(r" \d+$", "", _flat(pages[-1]))  # the page number, centred at the top, is extracted last
    assert last.endswith(
        "Tổng nội dung công việc: 32 Nội dung đã thực hiện trong 9 tháng đầu năm 2023: 29 Tỷ lệ hoàn thành kế "
        "hoạch: 90.625"
    )


def test_the_results_print_beside_their_rows(pages):
    text = _flat(" ".join(pages))
    assert "Chưa thực hiện, đợi hướng dẫn của UBND huyện" in text
    assert "Đã và đang thực hiện từ tháng 07/2023" in text


def test_only_liberation_serif_is_embedded_and_nothing_was_refused(rendered):
    result, reader = rendered
    assert result.refused_urls == []
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font") or {}
        names |= {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert names and all(re.fullmatch(r"/([A-Z]{6}\+)?Liberation-?Serif(-[A-Za-z-]+)?", name) for name in names), names


def test_evidence_numbers_show_in_the_result_cell(thanh_thuy, nine_months):
    progress = TaskProgress.objects.filter(
        task__section__plan=thanh_thuy, period=nine_months, task__section__number="IV"
    ).first()
    ProgressEvidence.objects.create(progress=progress, number="99/TB-UBND", issued_on="2023-08-30")
    ProgressEvidence.objects.create(progress=progress, number="100/KH-UBND")

    text = _flat(" ".join(page.extract_text() for page in _render(thanh_thuy, nine_months)[1].pages))

    assert "Văn bản: 99/TB-UBND ngày 30/08/2023; 100/KH-UBND." in text


def test_the_kpi_table_and_chart_print_with_the_targets(thanh_thuy, nine_months):
    for code, target, counts in (("online_dossiers", 50, (250, 400)), ("satisfaction", 90, (170, 200))):
        indicator = Indicator.objects.get(code=code)
        PlanTarget.objects.create(plan=thanh_thuy, indicator=indicator, value=Decimal(target))
        Measurement.objects.create(
            plan=thanh_thuy, indicator=indicator, period=nine_months, numerator=counts[0], denominator=counts[1]
        )

    result, reader = _render(thanh_thuy, nine_months)

    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    assert "Chỉ tiêu giao Kết quả (đạt/tổng số) Tỷ lệ đạt Đánh giá" in text
    assert "Tỷ lệ hồ sơ trực tuyến tối thiểu 50% 250/400 62,5% Đạt" in text
    assert "170/200 85% Chưa đạt" in text
    assert "Biểu đồ: kết quả thực hiện so với chỉ tiêu giao, 9 tháng đầu năm 2023" in text
    assert result.refused_urls == []


def test_text_typed_into_the_report_prints_as_text(thanh_thuy, nine_months):
    report = get_report(plan=thanh_thuy, period=nine_months)
    report.shortcomings = '<img src="file:///etc/passwd"> <b>đậm</b>'
    report.save()

    result = build_report_pdf(report)

    assert result.refused_urls == []
    assert '<img src="file:///etc/passwd"> <b>đậm</b>' in _flat(
        " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(result.data)).pages)
    )
