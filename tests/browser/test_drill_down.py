"""The national reviewer opens the country's dashboard, drills down to a province, then to a commune's plan."""

import re

import pytest
from playwright.sync_api import expect

from demo.country import generate_country
from plans.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_country_then_province_then_commune(page, log_in, artifacts_dir, settings):
    country = generate_country(prefix="duyet", provinces=4, communes=40, rows=3, password=settings.DEMO_PASSWORD)
    log_in(country.reviewers["duyet-trung-uong"])
    page.goto("/ke-hoach/bang-dieu-khien/")
    expect(page.get_by_role("heading", name=re.compile("Bảng điều khiển – Trung ương Cả nước"))).to_be_visible()
    below = page.locator("table.below")
    expect(below.locator("tbody tr")).to_have_count(4)
    page.screenshot(path=artifacts_dir / "drill_down_country.png", full_page=True)

    province = country.provinces[0]
    below.get_by_role("link", name=f"Xem bảng điều khiển của {province}").click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(f"Bảng điều khiển – {province}")))).to_be_visible()
    expect(page.locator("table.dash:not(.below) tbody tr")).to_have_count(min(50, province.children.count()))
    page.screenshot(path=artifacts_dir / "drill_down_province.png", full_page=True)

    commune_plan = Plan.objects.filter(unit__parent=province).select_related("unit").order_by("unit__name").first()
    page.get_by_role("link", name=f"Xem kế hoạch của {commune_plan.unit}").click()
    expect(page).to_have_url(re.compile(rf"/ke-hoach/{commune_plan.pk}/$"))
    expect(page.get_by_role("heading", name=f"Kế hoạch năm {commune_plan.year} – {commune_plan.unit}")).to_be_visible()
