from decimal import Decimal

import pytest

from indicators.models import Indicator, Measurement, PlanTarget
from indicators.selectors import is_met, kpi_rows, percent_text, rate
from orgs.models import User
from periods.models import ReportingPeriod
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _measure(plan, code, numerator, denominator, period="9M"):
    return Measurement.objects.create(
        plan=plan,
        indicator=Indicator.objects.get(code=code),
        period=ReportingPeriod.objects.get(code=period),
        numerator=numerator,
        denominator=denominator,
    )


def _row(rows, code):
    return next(r for r in rows if r.indicator.code == code)


def test_rows_follow_the_plans_targets_in_order(le_loi_plan):
    rows = kpi_rows(plan=le_loi_plan, period=ReportingPeriod.objects.get(code="9M"))
    assert [r.indicator.code for r in rows] == list(
        PlanTarget.objects.filter(plan=le_loi_plan).order_by("pk").values_list("indicator__code", flat=True)
    )
    assert rows[0].indicator.code == "feedback_on_time"


def test_an_unmeasured_target_has_no_rate_and_no_verdict(le_loi_plan):
    row = _row(kpi_rows(plan=le_loi_plan, period="9M"), "online_dossiers")
    assert (row.numerator, row.denominator, row.rate, row.met, row.gap) == (None, None, None, None, None)
    assert row.target_value == Decimal(50)
    assert row.target_text == "tối thiểu 50%"
    assert row.status_text == "Chưa có số liệu"


def test_the_rate_is_the_numerator_over_the_denominator_with_two_decimals(le_loi_plan):
    _measure(le_loi_plan, "results_digitised", 406, 412)
    row = _row(kpi_rows(plan=le_loi_plan, period="9M"), "results_digitised")
    assert row.rate == Decimal("98.54")
    assert (row.numerator, row.denominator) == (406, 412)


def test_a_rate_below_an_exact_100_target_is_not_met_with_a_negative_gap(le_loi_plan):
    _measure(le_loi_plan, "results_digitised", 406, 412)
    row = _row(kpi_rows(plan=le_loi_plan, period="9M"), "results_digitised")
    assert row.met is False
    assert row.gap == Decimal("-1.46")
    assert row.status_text == "Chưa đạt"


def test_a_rate_above_a_minimum_is_met_with_a_positive_gap(le_loi_plan):
    _measure(le_loi_plan, "online_dossiers", 300, 400)
    row = _row(kpi_rows(plan=le_loi_plan, period="9M"), "online_dossiers")
    assert (row.rate, row.met, row.gap) == (Decimal("75.00"), True, Decimal("25.00"))


def test_a_rate_exactly_at_a_minimum_is_met(le_loi_plan):
    _measure(le_loi_plan, "online_dossiers", 50, 100)
    assert _row(kpi_rows(plan=le_loi_plan, period="9M"), "online_dossiers").met is True


def test_above_needs_strictly_more_than_the_target():
    assert is_met(numerator=60, denominator=100, target=60, qualifier="above") is False
    assert is_met(numerator=61, denominator=100, target=60, qualifier="above") is True


def test_the_verdict_compares_the_exact_rate_not_the_rounded_one():
    assert rate(17999, 20000) == Decimal("90.00")
    assert is_met(numerator=17999, denominator=20000, target=90, qualifier="min") is False


def test_a_lower_is_better_indicator_is_met_at_or_below_its_target():
    assert is_met(numerator=5, denominator=100, target=10, qualifier="min", direction="lower") is True
    assert is_met(numerator=15, denominator=100, target=10, qualifier="min", direction="lower") is False


def test_an_indicator_measured_without_a_target_comes_last(le_loi_plan):
    _measure(le_loi_plan, "digitised_on_receipt", 406, 412)
    rows = kpi_rows(plan=le_loi_plan, period="9M")
    last = rows[-1]
    assert last.indicator.code == "digitised_on_receipt"
    assert last.target is None and last.rate == Decimal("98.54")
    assert last.met is None and last.gap is None
    assert last.status_text == "Chưa giao chỉ tiêu"


def test_only_the_periods_figures_are_shown(le_loi_plan):
    _measure(le_loi_plan, "online_dossiers", 10, 100, period="Q1")
    assert _row(kpi_rows(plan=le_loi_plan, period="9M"), "online_dossiers").rate is None
    assert _row(kpi_rows(plan=le_loi_plan, period="Q1"), "online_dossiers").rate == Decimal("10.00")


def test_another_plans_figures_are_not_shown(le_loi_plan):
    other = PlanFactory()
    _measure(other, "online_dossiers", 10, 100)
    assert _row(kpi_rows(plan=le_loi_plan, period="9M"), "online_dossiers").measurement is None


def test_a_plan_without_targets_or_figures_has_no_rows(seed):
    assert kpi_rows(plan=PlanFactory(), period="Y") == []


def test_rows_take_two_queries_whatever_their_number(le_loi_plan, django_assert_max_num_queries):
    for code in ("online_dossiers", "results_digitised", "digitised_on_receipt", "satisfaction"):
        _measure(le_loi_plan, code, 40, 50)
    period = ReportingPeriod.objects.get(code="9M")
    with django_assert_max_num_queries(2):
        rows = kpi_rows(plan=le_loi_plan, period=period)
        [(r.indicator.name, r.target_text, r.measurement.updated_by if r.measurement else None) for r in rows]
    assert len(rows) == 12


def test_rows_carry_who_updated_the_figures_without_another_query(le_loi_plan, django_assert_max_num_queries):
    m = _measure(le_loi_plan, "online_dossiers", 40, 50)
    m.updated_by = User.objects.get(username="le-loi-editor")
    m.save()
    with django_assert_max_num_queries(2):
        row = _row(kpi_rows(plan=le_loi_plan, period="9M"), "online_dossiers")
        assert row.measurement.updated_by.username == "le-loi-editor"


def test_percentages_are_written_with_a_decimal_comma():
    assert percent_text(Decimal("98.54")) == "98,54%"
    assert percent_text(Decimal("50.00")) == "50%"
    assert percent_text(Decimal("100")) == "100%"


ISSUE_CATALOGUE = {
    "online_dossiers": "Tổng số hồ sơ",
    "online_payments": "giao dịch thanh toán",
    "digitised_on_receipt": "hồ sơ tiếp nhận",
    "results_digitised": "hồ sơ đã giải quyết",
    "electronic_results": "hồ sơ đã giải quyết",
    "electronic_certified_copies": "chứng thực",
    "data_reuse": "hồ sơ tiếp nhận",
    "feedback_on_time": "phản ánh, kiến nghị",
    "satisfaction": "đánh giá",
    "satisfaction_land": "đất đai, xây dựng, đầu tư",
    "documents_online": "văn bản",
    "full_online_services": "đủ điều kiện",
    "settled_on_time": "hồ sơ đã giải quyết",
    "settled_early": "hồ sơ đã giải quyết",
}


def test_the_catalogue_holds_every_indicator_the_issue_lists_with_its_fraction_in_words(seed):
    catalogue = {i.code: i for i in Indicator.objects.all()}
    for code, denominator_words in ISSUE_CATALOGUE.items():
        indicator = catalogue[code]
        assert indicator.numerator.strip() and indicator.unit == "%"
        assert denominator_words in indicator.denominator


def test_every_seed_plans_target_names_a_catalogue_indicator(seed):
    assert PlanTarget.objects.count() > 0
    assert not PlanTarget.objects.exclude(indicator__in=Indicator.objects.all()).exists()
