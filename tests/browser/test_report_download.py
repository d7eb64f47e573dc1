"""A commune editor in a real Chromium: open the 9-month report, press "Tạo báo cáo", watch the job
finish on the page (htmx polling) and download the PDF."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from plans.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_editor_creates_and_downloads_the_9_month_report(page, live_server, seed, log_in, artifacts_dir, tmp_path):
    plan = Plan.objects.get(unit__slug="thanh-thuy", year=2023)
    report_url = f"{live_server.url}/bao-cao/{plan.pk}/9M/"

    log_in("thanh-thuy-editor")
    page.goto(report_url)

    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo 9 tháng đầu năm 2023 – Xã Thanh Thủy")
    expect(page.locator(".tally-lines")).to_contain_text("Tỷ lệ hoàn thành kế hoạch: 90.625")
    expect(page.get_by_label("1. Kết quả thực hiện các nội dung của Kế hoạch")).to_have_value(
        re.compile(r"^Trong 9 tháng đầu năm 2023, UBND xã Thanh Thủy đã triển khai thực hiện 29/32 nội dung")
    )
    page.screenshot(path=artifacts_dir / "report_page.png", full_page=True)

    page.wait_for_function("() => window.htmx !== undefined")
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(f"/bao-cao/{plan.pk}/9M/tao/")
    ) as posted:
        page.get_by_role("button", name="Tạo báo cáo").click()
    assert posted.value.ok and posted.value.request.headers.get("hx-request") == "true"
    link = page.get_by_role("link", name=re.compile(r"^Tải báo cáo PDF \(\d+ trang\)$"))
    expect(link).to_be_visible(timeout=60_000)
    expect(page).to_have_url(report_url)
    expect(page.get_by_role("link", name="Tải Excel")).to_be_visible()
    announced = int(re.search(r"\((\d+) trang\)", link.inner_text()).group(1))

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == "bao-cao-thanh-thuy-2023-9m.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    reader = PdfReader(saved)
    assert len(reader.pages) == announced
    assert "Tỷ lệ hoàn thành kế hoạch: 90.625" in reader.pages[-1].extract_text()
    page.screenshot(path=artifacts_dir / "report_page_ready.png")
    assert page.problems == []
