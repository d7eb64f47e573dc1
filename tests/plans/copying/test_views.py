import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from plans.copying.services import plan_year_warnings, prepare_copy
from plans.models import Plan
from tests.factories import log_in

pytestmark = pytest.mark.django_db


def _review(client, plan, **params):
    return client.get(reverse("plans:copy_review", args=[plan.pk]), params)


def _create(client, plan, year=2025):
    return client.post(reverse("plans:copy_create", args=[plan.pk]), {"nam": year})


def _copies(plan, year=2025):
    return Plan.objects.filter(unit=plan.unit, year=year)


def test_the_review_page_counts_the_changes_and_offers_to_create_next_years_plan(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    body = _review(client, le_loi_plan).content.decode()
    count = len(prepare_copy(source_plan=le_loi_plan, year=2025).changes)
    assert f"{count} thay đổi" in body
    assert "Tạo kế hoạch năm 2025" in body


def test_the_review_page_shows_each_change_before_and_after(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    body = _review(client, le_loi_plan).content.decode()
    assert "Mục I, dòng 2 – Thời hạn" in body
    assert "<mark>Quý II/2024</mark>" in body and "<mark>Quý II/2025</mark>" in body


def test_the_review_page_flags_the_upper_levels_plan_to_update(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    body = _review(client, le_loi_plan).content.decode()
    assert "Cần cập nhật số, ngày của kế hoạch cấp trên năm 2025 (đang ghi: số 139/QĐ-UBND ngày 17/01/2024)." in body


def test_the_review_page_shows_the_source_plans_own_year_errors(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    body = _review(client, le_loi_plan).content.decode()
    assert "Năm cần kiểm tra trong kế hoạch năm 2024" in body
    assert "Nhắc đến năm 2022 trong kế hoạch năm 2024 — kiểm tra lại." in body
    assert "Định kỳ hoặc đột xuất trong <mark>năm 2023</mark>" in body


def test_the_year_can_be_chosen(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    body = _review(client, le_loi_plan, nam=2026).content.decode()
    assert "Tạo kế hoạch năm 2026" in body
    assert "<mark>Quý II/2026</mark>" in body


def test_an_earlier_year_is_not_offered(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    body = _review(client, le_loi_plan, nam=2020).content.decode()
    assert "Năm của kế hoạch mới phải sau năm 2024." in body
    assert "Tạo kế hoạch năm 2025" in body


def test_creating_opens_the_new_plan_with_a_message(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    response = _create(client, le_loi_plan)
    new_plan = _copies(le_loi_plan).get()
    assert response.url == reverse("plans:detail", args=[new_plan.pk])
    body = client.get(response.url).content.decode()
    assert "Đã tạo kế hoạch năm 2025 (dự thảo) từ kế hoạch năm 2024." in body


def test_creating_twice_is_refused(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    _create(client, le_loi_plan)
    response = _create(client, le_loi_plan)
    assert response.url == reverse("plans:copy_review", args=[le_loi_plan.pk]) + "?nam=2025"
    assert "Xã Lê Lợi đã có kế hoạch năm 2025." in client.get(response.url).content.decode()
    assert _copies(le_loi_plan).count() == 1


def test_once_the_year_exists_the_review_page_links_to_it_instead_of_offering_to_create(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    _create(client, le_loi_plan)
    body = _review(client, le_loi_plan).content.decode()
    assert reverse("plans:detail", args=[_copies(le_loi_plan).get().pk]) in body
    assert "Tạo kế hoạch năm 2025" not in body


def test_creating_an_earlier_year_is_refused(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    response = _create(client, le_loi_plan, year=2023)
    assert "Năm của kế hoạch mới phải sau năm 2024." in client.get(response.url).content.decode()
    assert not _copies(le_loi_plan, 2023).exclude(pk=le_loi_plan.pk).exists()


def test_a_user_of_another_commune_gets_not_found(client, le_loi_plan):
    log_in(client, "ha-tan-editor")
    assert _review(client, le_loi_plan).status_code == 404
    assert _create(client, le_loi_plan).status_code == 404
    assert not _copies(le_loi_plan).exists()


def test_a_district_reviewer_gets_forbidden(client, le_loi_plan):
    log_in(client, "gia-loc-reviewer")
    review = _review(client, le_loi_plan)
    assert review.status_code == 403
    assert "Không có quyền tạo kế hoạch" in review.content.decode()
    assert _create(client, le_loi_plan).status_code == 403
    assert not _copies(le_loi_plan).exists()


def test_the_year_warnings_fragment_shows_a_plans_own_warnings(le_loi_plan):
    html = render_to_string(
        "plans/copy/_year_warnings.html", {"plan": le_loi_plan, "year_warnings": plan_year_warnings(le_loi_plan)}
    )
    assert "Mục IV, dòng 5 – Thời hạn" in html
    assert "Nhắc đến năm 2023 trong kế hoạch năm 2024 — kiểm tra lại." in html


def test_the_year_warnings_fragment_is_empty_for_a_plan_without_warnings(seed):
    plan = Plan.objects.get(unit__slug="ha-tan", year=2024)
    html = render_to_string("plans/copy/_year_warnings.html", {"plan": plan, "year_warnings": plan_year_warnings(plan)})
    assert html.strip() == ""
