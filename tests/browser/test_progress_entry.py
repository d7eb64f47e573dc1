"""A commune editor enters a period's progress in a real Chromium: open Thanh Thủy's 2023 sheet,
pick the 9-month period, change a row's status and result inline, save, see the tally follow."""

import re

import pytest
from playwright.sync_api import expect

from plans.models import Plan
from tasks.models import TaskProgress

# live_server makes the database transactional; serialized_rollback puts back the reporting periods.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _row(page, key):
    return page.locator(f"tr[data-key='{key}']")


def test_editor_enters_a_rows_9_month_result_inline_and_the_tally_follows(
    page, live_server, seed, log_in, artifacts_dir
):
    plan = Plan.objects.get(unit__slug="thanh-thuy", year=2023)
    log_in("thanh-thuy-editor")

    # The sheet of another period first, then the 9-month tab.
    page.goto(f"/tien-do/{plan.pk}/Q1/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiến độ thực hiện kế hoạch năm 2023 – Xã Thanh Thủy")
    expect(page.locator("[data-tally=done]")).to_have_text("0")
    page.get_by_role("navigation", name="Kỳ báo cáo năm 2023").get_by_role(
        "link", name=re.compile("^9 tháng đầu năm")
    ).click()
    expect(page).to_have_url(f"{live_server.url}/tien-do/{plan.pk}/9M/")
    expect(page.locator("table.progress-table thead")).to_contain_text("Kết quả thực hiện 9 tháng đầu năm 2023")
    tally = page.locator("#progress-tally")
    expect(tally.locator("[data-tally=total]")).to_have_text("32")
    expect(tally.locator("[data-tally=done]")).to_have_text("29")
    expect(tally.locator("[data-tally=rate]")).to_have_text("90.625%")
    expect(tally.locator("[data-tally=by-not_started]")).to_have_text("3")
    page.wait_for_function("() => window.htmx !== undefined")

    # II.5 (inspections, not started): pick "Đang thực hiện" in its row; the form opens in place.
    row = _row(page, "II.5")
    row.get_by_label("Tình trạng dòng II.5").select_option(label="Đang thực hiện")
    result = row.get_by_label("Kết quả thực hiện 9 tháng đầu năm 2023")
    expect(result).to_be_focused()
    expect(result).to_have_value(re.compile(r"^- chưa thực hiện; theo Kế hoạch số 17/KH-UBND"))
    expect(row.get_by_label("Tình trạng:", exact=True)).to_have_value("in_progress")
    result.fill("Đã thành lập đoàn kiểm tra; đang kiểm tra tại Bộ phận Một cửa.")
    row.get_by_label("Số/ký hiệu").fill("12/QĐ-UBND")
    row.get_by_label("Ngày ban hành").fill("10/08/2023")
    row.get_by_label("Trích yếu").fill("về việc thành lập đoàn kiểm tra công tác KSTTHC")
    row.scroll_into_view_if_needed()
    page.screenshot(path=artifacts_dir / "progress_entry_form.png")

    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/luu/")) as saved:
        result.press("Control+Enter")
    assert saved.value.ok and saved.value.request.headers.get("hx-request") == "true"

    # The row is shown again with its result and document; the tally and the tabs follow.
    expect(row.locator("form")).to_have_count(0)
    expect(row.locator(".c-result")).to_contain_text("Đã thành lập đoàn kiểm tra; đang kiểm tra tại Bộ phận Một cửa.")
    expect(row.locator(".c-result")).to_contain_text(
        "12/QĐ-UBND ngày 10/08/2023 – về việc thành lập đoàn kiểm tra công tác KSTTHC"
    )
    expect(row.get_by_label("Tình trạng dòng II.5")).to_have_value("in_progress")
    expect(row).to_be_focused()
    expect(tally.locator("[data-tally=done]")).to_have_text("30")
    expect(tally.locator("[data-tally=rate]")).to_have_text("93.75%")
    expect(tally.locator("[data-tally=by-not_started]")).to_have_text("2")
    expect(page.locator("#progress-notice")).to_have_text("Đã lưu kết quả dòng II.5.")
    page.screenshot(path=artifacts_dir / "progress_entry_saved.png")

    # A refused save keeps the form and says why; Esc puts the row back unchanged.
    row = _row(page, "III.1")
    row.get_by_role("button", name="Sửa kết quả dòng III.1").click()
    status = row.get_by_label("Tình trạng:", exact=True)
    expect(status).to_be_focused()
    status.select_option("done")
    result = row.get_by_label("Kết quả thực hiện 9 tháng đầu năm 2023")
    result.fill("")
    result.press("Control+Enter")
    expect(row.locator(".field-result_text .errorlist")).to_have_text(
        "Nội dung đã thực hiện cần ghi kết quả: việc gì đã làm, bằng văn bản nào."
    )
    expect(row.get_by_label("Tình trạng:", exact=True)).to_have_value("done")
    expect(tally.locator("[data-tally=done]")).to_have_text("30")
    row.get_by_label("Kết quả thực hiện 9 tháng đầu năm 2023").press("Escape")
    expect(row.locator("form")).to_have_count(0)
    expect(row.locator(".c-result")).to_contain_text("Chưa thực hiện, đợi hướng dẫn của UBND huyện")

    # Keyboard: ↓ from III.1 reaches III.2, Enter opens it, Esc closes it.
    expect(row).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(_row(page, "III.2")).to_be_focused()
    page.keyboard.press("Enter")
    expect(_row(page, "III.2").get_by_label("Tình trạng:", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(_row(page, "III.2").locator("form")).to_have_count(0)

    progress = TaskProgress.objects.get(
        task__section__plan=plan, period__code="9M", task__content__startswith="Kiểm tra định kỳ"
    )
    assert (progress.status, progress.updated_by.username) == ("in_progress", "thanh-thuy-editor")
    assert [e.number for e in progress.evidence.all()] == ["12/QĐ-UBND"]
    assert (
        TaskProgress.objects.get(
            task__section__plan=plan, period__code="9M", task__content__startswith="Hướng dẫn, thực hiện"
        ).status
        == "not_started"
    )
    assert page.problems == []
