"""The first draft of the báo cáo's narrative, written from the data (reports.drafting, through
reports.services): the sentences a commune writes, never over what staff edited."""

from decimal import Decimal

import pytest

from indicators.models import Indicator, Measurement, PlanTarget
from periods.models import ReportingPeriod
from plans.models import Plan
from reports import drafting
from reports.models import Report
from reports.services import fill_drafts, get_report, regenerate_draft
from tasks.models import TaskProgress
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def thanh_thuy(seed):
    return Plan.objects.select_related("unit__parent").get(unit__slug="thanh-thuy", year=2023)


@pytest.fixture
def nine_months(db):
    return ReportingPeriod.objects.get(code="9M")


@pytest.fixture
def report(thanh_thuy, nine_months):
    return get_report(plan=thanh_thuy, period=nine_months)


def _kpi(plan, code, target, qualifier, counts=None):
    indicator = Indicator.objects.get(code=code)
    PlanTarget.objects.create(plan=plan, indicator=indicator, value=Decimal(target), qualifier=qualifier)
    if counts:
        Measurement.objects.create(
            plan=plan,
            indicator=indicator,
            period=ReportingPeriod.objects.get(code="9M"),
            numerator=counts[0],
            denominator=counts[1],
        )


def test_the_results_open_with_the_seed_tally_in_words(report):
    assert report.results.startswith(
        "Trong 9 tháng đầu năm 2023, UBND xã Thanh Thủy đã triển khai thực hiện 29/32 nội dung công việc theo Kế "
        "hoạch, "
        "đạt 90,625%."
    )


def test_the_results_give_the_split_the_rate_hides(report):
    assert (
        "Trong đó: 14 nội dung đã hoàn thành; 11 nội dung đang thực hiện; 4 nội dung không phát sinh yêu cầu; 3 "
        "nội dung chưa thực hiện." in report.results
    )


def test_the_results_count_each_section_and_name_what_is_not_started(report):
    lines = report.results.splitlines()
    assert "- Xây dựng hoàn thiện thế chế, văn bản chỉ đạo: đã thực hiện 1/1 nội dung." in lines
    section_two = next(line for line in lines if line.startswith("- Triển khai các nhiệm vụ"))
    assert section_two.endswith("đã thực hiện 21/23 nội dung; chưa thực hiện: II.5, II.6.")


def test_the_introduction_cites_the_plan_by_number_and_date(report):
    assert report.introduction.startswith(
        "Thực hiện Kế hoạch số 17/KH-UBND ngày 14/03/2023 của UBND xã Thanh Thủy về việc kiểm soát TTHC"
    )
    assert report.introduction.endswith(
        "UBND xã Thanh Thủy báo cáo kết quả thực hiện công tác kiểm soát thủ tục hành chính 9 tháng đầu năm 2023 "
        "như sau:"
    )


def test_nothing_late_is_said_and_the_three_contents_not_started_are_listed(report):
    lines = report.late_items.splitlines()
    assert lines[0] == "Tính đến ngày 14/09/2023, không có nội dung nào chậm so với thời hạn của Kế hoạch."
    assert [line.split()[1] for line in lines[2:]] == ["II.5", "II.6", "III.1"]
    assert "Còn 3 nội dung của Kế hoạch chưa được triển khai thực hiện (II.5, II.6, III.1)." in report.shortcomings
    assert "- Khẩn trương triển khai các nội dung chưa thực hiện: II.5, II.6, III.1." in report.next_steps.splitlines()
    assert "bảo đảm hoàn thành Kế hoạch năm 2023 trước ngày 14/12/2023" in report.next_steps


def test_a_late_content_is_named_with_its_deadline(thanh_thuy, nine_months):
    progress = TaskProgress.objects.get(task__section__plan=thanh_thuy, period=nine_months, task__section__number="I")
    progress.task.set_deadline("Quý II/2023", 2023)
    progress.task.save()
    TaskProgress.objects.filter(pk=progress.pk).update(status=TaskProgress.Status.NOT_STARTED)

    report = get_report(plan=thanh_thuy, period=nine_months)

    assert "có 1 nội dung chậm so với thời hạn của Kế hoạch:" in report.late_items
    assert (
        "- I.1 Xây dựng văn bản chỉ đạo của UBND xã, Chủ tịch UBND xã: hạn 30/06/2023, chưa hoàn thành."
        in report.late_items
    )
    assert "- Tập trung hoàn thành các nội dung chậm tiến độ: I.1." in report.next_steps


def test_kpi_figures_are_stated_against_their_targets(thanh_thuy, nine_months):
    _kpi(thanh_thuy, "online_dossiers", 50, "min", (250, 400))
    _kpi(thanh_thuy, "satisfaction", 90, "min", (170, 200))
    _kpi(thanh_thuy, "data_reuse", 50, "min")

    report = get_report(plan=thanh_thuy, period=nine_months)

    lines = report.kpi_summary.splitlines()
    assert lines[0] == "Tính đến ngày 14/09/2023, 1/3 chỉ tiêu được giao đã đạt; 1 chỉ tiêu chưa có số liệu:"
    assert "- Tỷ lệ hồ sơ trực tuyến: đạt 62,5% (250/400), chỉ tiêu giao tối thiểu 50% – đạt chỉ tiêu." in lines
    assert (
        "- Mức độ hài lòng của người dân, doanh nghiệp: đạt 85% (170/200), chỉ tiêu giao tối thiểu 90% – chưa đạt, "
        "còn thiếu 5 điểm phần trăm." in lines
    )
    assert "- Tỷ lệ khai thác, tái sử dụng dữ liệu đã số hóa: chưa có số liệu (chỉ tiêu giao tối thiểu 50%)." in lines
    assert (
        "Chỉ tiêu “Mức độ hài lòng của người dân, doanh nghiệp” chưa đạt: đạt 85%, chỉ tiêu giao tối thiểu 90%."
        in report.shortcomings
    )


def test_a_plan_without_targets_says_so(report):
    assert report.kpi_summary == "Kế hoạch chưa giao chỉ tiêu định lượng nào để đánh giá trong kỳ báo cáo."


def test_the_draft_never_overwrites_what_staff_wrote(report, thanh_thuy, nine_months):
    Report.objects.filter(pk=report.pk).update(results="Nội dung do công chức viết.", shortcomings="")

    again = get_report(plan=thanh_thuy, period=nine_months)

    assert again.results == "Nội dung do công chức viết."
    assert again.shortcomings.startswith("- Còn 3 nội dung")  # an emptied field gets the draft back
    assert fill_drafts(again) == []


def test_redrafting_on_demand_rewrites_every_field(report, thanh_thuy):
    editor = member(thanh_thuy.unit, "editor")
    report.results = "Bản đã sửa."
    report.save()

    written = regenerate_draft(report=report, user=editor)

    report.refresh_from_db()
    assert set(written) == set(Report.NARRATIVE_FIELDS)
    assert report.results.startswith("Trong 9 tháng đầu năm 2023")
    assert report.updated_by == editor


def test_the_report_takes_its_place_and_recipients_from_the_plan(report):
    assert report.place == "Thanh Thủy"
    assert report.recipients.splitlines() == ["UBND huyện;", "Lưu: VT, VP."]
    assert (report.signer_prefix, report.signer_title) == ("TM.", "ỦY BAN NHÂN DÂN\nCHỦ TỊCH")


@pytest.mark.parametrize(
    ("rate", "printed", "percent"),
    [
        (Decimal("90.625"), "90.625", "90,625%"),
        (Decimal(100), "100", "100%"),
        (Decimal(100) / 3, "33.333", "33,333%"),
        (Decimal(0), "0", "0%"),
    ],
)
def test_rates_print_as_the_seed_and_as_vietnamese_prose(rate, printed, percent):
    assert drafting.rate_text(rate) == printed
    assert drafting.percent(rate) == percent
