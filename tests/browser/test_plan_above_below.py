"""The plan above drives the plans below, in a real Chromium: a commune editor takes the pre-selected
rows of the province's plan into the draft, then the province's reviewer opens the coverage."""

import pytest
from playwright.sync_api import expect

from orgs.models import Membership, Unit, User
from plans.models import Plan
from tasks.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_commune_takes_rows_from_the_province_plan_and_the_province_sees_its_coverage(
    page, live_server, seed, log_in, artifacts_dir
):
    commune = Unit.objects.get(slug="tinh-mau-xa-05")  # its 2026 plan is a draft
    Membership.objects.create(
        user=User.objects.get(username="tinh-mau-xa-01-editor"), unit=commune, role=Membership.Role.EDITOR
    )
    plan = Plan.objects.get(unit=commune, year=2026)
    higher = Plan.objects.get(unit__slug="tinh-mau", year=2026)

    log_in("tinh-mau-xa-01-editor")
    page.goto(f"/ke-hoach/{plan.pk}/")
    page.get_by_role("link", name="Lấy từ kế hoạch cấp trên").click()
    expect(page.get_by_role("heading", name="Lấy nội dung từ kế hoạch cấp trên")).to_be_visible()
    checked = page.locator("input[name=row]:checked").count()
    assert checked > 10
    page.screenshot(path=artifacts_dir / "take_from_above.png", full_page=False)
    page.get_by_role("button", name="Thêm các nội dung đã chọn").first.click()
    expect(page.locator(".msg-success")).to_contain_text(f"Đã thêm {checked} nội dung đã chọn")
    expect(page.locator(".msg-info")).to_contain_text("Căn cứ Kế hoạch số 12/KH-UBND ngày 10/01/2026")
    expect(page.get_by_role("heading", name="Nội dung lấy từ kế hoạch cấp trên")).to_be_visible()
    assert Task.objects.filter(section__plan=plan, source__section__plan=higher).count() >= checked

    page.context.clear_cookies()
    log_in("tinh-mau-reviewer")
    page.goto(f"/ke-hoach/{higher.pk}/")
    page.get_by_role("link", name="Độ phủ xuống cấp xã").click()
    first_row = page.locator("table.coverage-table tbody tr").nth(1)
    expect(first_row).to_contain_text("1/6")
    expect(first_row).to_contain_text("Mẫu 05")
    page.screenshot(path=artifacts_dir / "coverage.png", full_page=False)
    page.get_by_label("Lọc").select_option("chua-du")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("table.coverage-table tbody tr").first).to_be_visible()

    # The consolidated report of the province: no commune has sent its 6-month report yet.
    page.goto("/bao-cao/")
    page.get_by_role("link", name="Báo cáo tổng hợp").click()
    page.get_by_label("Đơn vị").select_option(label=str(Unit.objects.get(slug="tinh-mau")))
    page.get_by_label("Năm").fill("2026")
    page.get_by_label("Kỳ báo cáo").select_option("6M")
    page.get_by_role("button", name="Xem báo cáo tổng hợp").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Báo cáo tổng hợp 6 tháng đầu năm 2026")
    expect(page.locator("dl.figures")).to_contain_text("Chưa gửi")
    expect(page.locator("figure.chart")).to_contain_text("Chưa có xã gửi báo cáo.")
    page.screenshot(path=artifacts_dir / "consolidated.png", full_page=False)
