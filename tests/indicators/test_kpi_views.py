import json
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator, Measurement, PlanTarget
from periods.models import ReportingPeriod
from plans.models import Plan
from tests.factories import log_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page_url(plan, period=None):
    url = reverse("indicators:plan_kpis", args=[plan.pk])
    return f"{url}?ky={period}" if period else url


def save_url(plan, code="results_digitised", period="9M"):
    return reverse("indicators:measurement_save", args=[plan.pk, period, Indicator.objects.get(code=code).pk])


def target_of(plan, code):
    return PlanTarget.objects.get(plan=plan, indicator__code=code)


def target_data(**changes):
    return {
        "qualifier": "min",
        "value": "60",
        "higher_target": "50",
        "last_year_result": "",
        "responsible": "",
    } | changes


# --- reading ------------------------------------------------------------------------------------------


def test_the_page_shows_targets_periods_entry_forms_and_the_chart(client, le_loi_plan):
    response = log_in(client, "le-loi-editor").get(page_url(le_loi_plan, "9M"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chỉ tiêu giao của kế hoạch" in html
    assert "Kết quả thực hiện 9 tháng đầu năm 2024" in html
    for name in ("Quý I", "6 tháng đầu năm", "9 tháng đầu năm", "Năm"):
        assert f">{name}</a>" in html
    assert 'name="numerator"' in html and 'name="denominator"' in html
    assert "<svg" in html and "Tỷ lệ hồ sơ trực tuyến" in html
    assert "Chưa có chỉ tiêu cấp trên giao: chưa đề xuất được." in html


def test_a_past_plan_opens_on_the_years_figures(client, le_loi_plan):
    html = log_in(client, "le-loi-editor").get(page_url(le_loi_plan)).content.decode()
    assert "Kết quả thực hiện năm 2024" in html


def test_an_unknown_period_is_not_found(client, le_loi_plan):
    assert log_in(client, "le-loi-editor").get(page_url(le_loi_plan, "Q9")).status_code == 404


def test_a_plan_the_user_may_not_see_is_not_found(client, le_loi_plan):
    log_in(client, "ha-tan-editor")
    assert client.get(page_url(le_loi_plan)).status_code == 404
    assert client.post(save_url(le_loi_plan), {"numerator": "1", "denominator": "2"}).status_code == 404
    assert not Measurement.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, le_loi_plan):
    response = client.get(page_url(le_loi_plan))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_reviewer_above_reads_without_forms(client, le_loi_plan):
    html = log_in(client, "gia-loc-reviewer").get(page_url(le_loi_plan, "9M")).content.decode()
    assert "Tỷ lệ hồ sơ trực tuyến" in html
    assert 'name="numerator"' not in html and "t-form-" not in html
    assert "Bạn không có quyền sửa chỉ tiêu" in html


def test_the_period_panel_alone_answers_an_htmx_tab_switch(client, le_loi_plan):
    response = log_in(client, "le-loi-editor").get(page_url(le_loi_plan, "Q1"), HTTP_HX_TARGET="kpi-period", **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="kpi-period"')
    assert "Kết quả thực hiện quý I năm 2024" in html and "<html" not in html


# --- measurements --------------------------------------------------------------------------------------


def test_entering_figures_shows_the_rate_the_verdict_and_a_fresh_chart(client, le_loi_plan):
    response = log_in(client, "le-loi-editor").post(
        save_url(le_loi_plan), {"numerator": "406", "denominator": "412"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<tr")
    assert "98,54%" in html and "Chưa đạt" in html and "thiếu 1,46 điểm" in html
    assert 'id="kpi-chart" class="kpi-chart" hx-swap-oob="true"' in html
    m = Measurement.objects.get(plan=le_loi_plan, indicator__code="results_digitised", period__code="9M")
    assert (m.numerator, m.denominator, m.updated_by.username) == (406, 412, "le-loi-editor")


def test_a_numerator_above_the_denominator_is_refused_next_to_the_field_keeping_the_input(client, le_loi_plan):
    response = log_in(client, "le-loi-editor").post(
        save_url(le_loi_plan), {"numerator": "413", "denominator": "412"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tử số (413) không được lớn hơn mẫu số (412)." in html
    assert 'value="413"' in html and 'value="412"' in html
    assert 'aria-invalid="true"' in html
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [
        ("0", "0", "Mẫu số phải lớn hơn 0."),
        ("-4", "10", "Số liệu không được âm."),
        ("4,5", "10", "Tử số phải là số nguyên"),
    ],
)
def test_wrong_figures_are_refused_with_a_clear_message(client, le_loi_plan, numerator, denominator, message):
    html = (
        log_in(client, "le-loi-editor")
        .post(save_url(le_loi_plan), {"numerator": numerator, "denominator": denominator}, **HTMX)
        .content.decode()
    )
    assert message in html
    assert f'value="{numerator}"' in html
    assert not Measurement.objects.exists()


def test_without_htmx_a_saved_entry_returns_to_the_period(client, le_loi_plan):
    response = log_in(client, "le-loi-editor").post(save_url(le_loi_plan), {"numerator": "1", "denominator": "2"})
    assert response.status_code == 302 and response["Location"].endswith("?ky=9M")


def test_without_htmx_a_refused_entry_shows_the_page_with_the_message(client, le_loi_plan):
    response = log_in(client, "le-loi-editor").post(save_url(le_loi_plan), {"numerator": "5", "denominator": "0"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mẫu số phải lớn hơn 0." in html and "<html" in html


def test_emptying_both_counts_clears_the_figures(client, le_loi_plan):
    log_in(client, "le-loi-editor").post(save_url(le_loi_plan), {"numerator": "1", "denominator": "2"}, **HTMX)
    client.post(save_url(le_loi_plan), {"numerator": "", "denominator": ""}, **HTMX)
    assert not Measurement.objects.exists()


def test_a_signer_may_not_enter_figures(client, le_loi_plan):
    response = log_in(client, "le-loi-signer").post(
        save_url(le_loi_plan), {"numerator": "1", "denominator": "2"}, **HTMX
    )
    assert response.status_code == 403
    assert "Bạn không có quyền nhập số liệu" in response.content.decode()
    assert not Measurement.objects.exists()


def test_a_reviewer_gets_the_vietnamese_403_page(client, le_loi_plan):
    response = log_in(client, "gia-loc-reviewer").post(save_url(le_loi_plan), {"numerator": "1", "denominator": "2"})
    assert response.status_code == 403
    assert "Không có quyền thực hiện" in response.content.decode()


def test_figures_for_an_indicator_without_a_target_are_added(client, le_loi_plan):
    url = reverse("indicators:measurement_add", args=[le_loi_plan.pk, "9M"])
    indicator = Indicator.objects.get(code="digitised_on_receipt")
    response = log_in(client, "le-loi-editor").post(
        url, {"indicator": indicator.pk, "numerator": "410", "denominator": "412"}, **HTMX
    )
    assert response["HX-Retarget"] == "#kpi-period"
    assert "99,51%" in response.content.decode()
    assert Measurement.objects.get(indicator=indicator).numerator == 410


def test_adding_figures_needs_an_indicator(client, le_loi_plan):
    url = reverse("indicators:measurement_add", args=[le_loi_plan.pk, "9M"])
    html = log_in(client, "le-loi-editor").post(url, {"numerator": "4", "denominator": "2"}, **HTMX).content.decode()
    assert "Chọn chỉ tiêu cần nhập số liệu." in html
    assert not Measurement.objects.exists()


# --- targets -------------------------------------------------------------------------------------------


def test_editing_a_target_shows_its_form_with_the_rules_proposal(client, le_loi_plan):
    target = target_of(le_loi_plan, "online_dossiers")
    html = (
        log_in(client, "le-loi-editor")
        .get(reverse("indicators:target_edit", args=[le_loi_plan.pk, target.pk]), **HTMX)
        .content.decode()
    )
    assert f'id="t-form-{target.pk}"' in html and 'name="higher_target"' in html
    assert f'form="t-form-{target.pk}"' in html


def test_a_saved_target_tells_the_period_panel_to_refresh(client, le_loi_plan):
    target = target_of(le_loi_plan, "online_dossiers")
    url = reverse("indicators:target_save", args=[le_loi_plan.pk, target.pk])
    response = log_in(client, "le-loi-editor").post(
        url, target_data(value="72", last_year_result="62", responsible="Bộ phận Một cửa"), **HTMX
    )
    html = response.content.decode()
    assert "kpi-targets-changed" in json.loads(response["HX-Trigger"])
    assert "72%" in html and "cộng 10 điểm" in html and "Bộ phận Một cửa" in html
    target.refresh_from_db()
    assert (target.value, target.higher_target, target.last_year_result) == (Decimal(72), Decimal(50), Decimal(62))


def test_a_target_below_the_higher_levels_is_refused_and_the_input_kept(client, le_loi_plan):
    target = target_of(le_loi_plan, "online_payments")
    url = reverse("indicators:target_save", args=[le_loi_plan.pk, target.pk])
    html = (
        log_in(client, "le-loi-editor").post(url, target_data(value="45", higher_target="50"), **HTMX).content.decode()
    )
    assert "Chỉ tiêu 45% thấp hơn chỉ tiêu cấp trên giao (50%)." in html
    assert 'value="45"' in html
    assert "Bằng chỉ tiêu cấp trên giao (50%)" in html  # the proposal follows what was typed
    target.refresh_from_db()
    assert target.higher_target is None


def test_targets_of_a_submitted_plan_are_not_editable(client, le_loi_plan):
    Plan.objects.filter(pk=le_loi_plan.pk).update(status=Plan.Status.SUBMITTED)
    target = target_of(le_loi_plan, "online_dossiers")
    log_in(client, "le-loi-editor")
    response = client.post(reverse("indicators:target_save", args=[le_loi_plan.pk, target.pk]), target_data(), **HTMX)
    assert response.status_code == 403
    assert "không sửa được chỉ tiêu" in response.content.decode()
    page = client.get(page_url(le_loi_plan)).content.decode()
    assert "t-form-new" not in page
    assert 'name="numerator"' in page  # figures are still entered


def test_a_reviewer_may_not_open_a_target_form(client, le_loi_plan):
    target = target_of(le_loi_plan, "online_dossiers")
    response = log_in(client, "gia-loc-reviewer").get(
        reverse("indicators:target_edit", args=[le_loi_plan.pk, target.pk])
    )
    assert response.status_code == 403


def test_a_new_target_is_added_and_the_card_returned(client, le_loi_plan):
    indicator = Indicator.objects.get(code="digitised_on_receipt")
    response = log_in(client, "le-loi-editor").post(
        reverse("indicators:target_add", args=[le_loi_plan.pk]),
        target_data(indicator=indicator.pk, value="100", qualifier="exact", higher_target="100"),
        **HTMX,
    )
    assert response["HX-Retarget"] == "#kpi-targets"
    assert "kpi-targets-changed" in json.loads(response["HX-Trigger"])
    assert target_of(le_loi_plan, "digitised_on_receipt").value == Decimal(100)


def test_an_indicator_already_targeted_is_not_added_twice(client, le_loi_plan):
    indicator = Indicator.objects.get(code="online_dossiers")
    html = (
        log_in(client, "le-loi-editor")
        .post(reverse("indicators:target_add", args=[le_loi_plan.pk]), target_data(indicator=indicator.pk), **HTMX)
        .content.decode()
    )
    assert "Chỉ tiêu này đã có trong kế hoạch." in html
    assert target_of(le_loi_plan, "online_dossiers").value == Decimal(50)


def test_a_target_is_removed(client, le_loi_plan):
    target = target_of(le_loi_plan, "online_dossiers")
    response = log_in(client, "le-loi-editor").post(
        reverse("indicators:target_remove", args=[le_loi_plan.pk, target.pk]), **HTMX
    )
    assert response.status_code == 200
    assert not PlanTarget.objects.filter(pk=target.pk).exists()


def test_the_live_proposal_follows_the_numbers_typed(client, le_loi_plan):
    url = reverse("indicators:target_proposal", args=[le_loi_plan.pk])
    html = (
        log_in(client, "le-loi-editor")
        .post(url, {"higher_target": "50", "last_year_result": "62"}, **HTMX)
        .content.decode()
    )
    assert "72%" in html and "cộng 10 điểm" in html and "Dùng đề xuất" in html


def test_a_target_of_another_plan_is_not_found(client, le_loi_plan):
    other = PlanTarget.objects.exclude(plan=le_loi_plan).first()
    response = log_in(client, "le-loi-editor").get(
        reverse("indicators:target_edit", args=[le_loi_plan.pk, other.pk]), **HTMX
    )
    assert response.status_code == 404


def test_measurement_periods_come_from_the_period_rows(client, le_loi_plan):
    ReportingPeriod.objects.filter(code="Q4").update(name="Quý IV (đã đổi)")
    assert "Quý IV (đã đổi)" in log_in(client, "le-loi-editor").get(page_url(le_loi_plan)).content.decode()
