"""A commune editor's journey in a real Chromium: log in, find the plan, read it, get its PDF."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from plans.models import Plan

# live_server makes the database transactional; serialized_rollback puts back the rows the data
# migrations wrote (reporting periods, which seed_demo needs) that an earlier flush removed.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _le_loi_2024():
    return Plan.objects.get(unit__slug="le-loi", year=2024)


def test_editor_reads_the_plan_and_downloads_its_pdf(page, live_server, seed, log_in, artifacts_dir, tmp_path):
    plan = _le_loi_2024()
    plan_url = f"{live_server.url}/ke-hoach/{plan.pk}/"

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next="))
    log_in("le-loi-editor")

    # The plan list: an editor of Lê Lợi sees Lê Lợi's plan (and only it).
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kế hoạch kiểm soát thủ tục hành chính")
    rows = page.locator("main table.grid tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("2024")
    page.get_by_role("link", name="Xã Lê Lợi").click()

    # The plan page: the decision's header and the task table, each deadline with its meaning.
    expect(page).to_have_url(plan_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kế hoạch năm 2024 – Xã Lê Lợi")
    decision = page.locator("section.document")
    expect(decision.locator(".doc-header .left")).to_contain_text("ỦY BAN NHÂN DÂN")
    expect(decision.locator(".doc-header .left")).to_contain_text("XÃ LÊ LỢI")
    expect(decision.locator(".doc-header .right")).to_contain_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    expect(decision.locator(".doc-header .right")).to_contain_text("Độc lập - Tự do - Hạnh phúc")
    expect(decision.locator(".doc-header .right")).to_contain_text("Lê Lợi, ngày 23 tháng 01 năm 2024")
    expect(decision.locator("#decision-title")).to_have_text("QUYẾT ĐỊNH")
    expect(decision).to_contain_text("Ban hành Kế hoạch kiểm soát thủ tục hành chính")

    table = page.locator("table.plan-table")
    expect(table).to_be_visible()
    expect(table.locator("thead")).to_contain_text("Thời hạn hoàn thành")
    assert table.locator("tbody tr").count() > 10
    meanings = table.locator(".deadline-meaning")
    expect(meanings.first).to_be_visible()
    expect(meanings.first).to_have_text(re.compile(r"^→ \S"))
    # "Quý II/2024" is understood as the end of the quarter.
    quarter_two = table.locator("tbody tr", has_text="Quý II/2024").first
    expect(quarter_two.locator(".deadline-meaning")).to_have_text("→ hạn 30/06/2024")

    page.screenshot(path=artifacts_dir / "plan_detail.png", full_page=True)

    # "Tải PDF" posts through htmx (the page stays), and the status area turns into a download link.
    page.wait_for_function("() => window.htmx !== undefined")
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(f"/ke-hoach/{plan.pk}/pdf/")
    ) as posted:
        page.get_by_role("button", name="Tải PDF").click()
    assert posted.value.ok, posted.value.status
    assert posted.value.request.headers.get("hx-request") == "true"
    link = page.get_by_role("link", name=re.compile(r"^Tải về PDF \(\d+ trang\)$"))
    expect(link).to_be_visible(timeout=60_000)
    expect(page).to_have_url(plan_url)
    announced_pages = int(re.search(r"\((\d+) trang\)", link.inner_text()).group(1))

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == "ke-hoach-le-loi-2024.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    data = saved.read_bytes()
    assert data.startswith(b"%PDF")
    pdf_pages = len(PdfReader(saved).pages)
    assert pdf_pages > 5
    assert pdf_pages == announced_pages
    page.screenshot(path=artifacts_dir / "plan_detail_pdf_ready.png")
    assert page.problems == []


def test_anonymous_visitor_is_sent_to_the_login_page_and_back(page, live_server, seed, log_in):
    plan = _le_loi_2024()

    page.goto(f"/ke-hoach/{plan.pk}/")

    expect(page).to_have_url(f"{live_server.url}/dang-nhap/?next=/ke-hoach/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    expect(page.get_by_role("button", name="Tải PDF")).to_have_count(0)
    log_in("le-loi-editor")
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kế hoạch năm 2024 – Xã Lê Lợi")
