"""A commune editor writes next year's plan in a real Chromium: create it from the plan list, add a
row to section I inline (the deadline's meaning shown while typing, Ctrl+Enter saves), add a
sub-item under it, see a refused row keep what was typed, Esc it away, and find the rows after a
reload and in the database."""

import re

import pytest
from playwright.sync_api import expect

from plans.models import Plan
from tasks.models import Task

# live_server makes the database transactional; serialized_rollback puts back the rows the data
# migrations wrote (reporting periods, which seed_demo needs) that an earlier flush removed.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECTION_I = "Mục I. Xây dựng hoàn thiện thể chế văn bản chỉ đạo"
ROW_CONTENT = "Rà soát, đánh giá quy định thủ tục hành chính thuộc thẩm quyền của xã"
ROW_LEAD = "Công chức Văn phòng - Thống kê"
ROW_PARTNERS = "Các ban, ngành, đoàn thể xã"
ROW_DEADLINE = "Quý II/2025"
ROW_PRODUCT = "Báo cáo kết quả rà soát"
SUB_CONTENT = "Gửi kết quả rà soát về UBND huyện"
SUB_DEADLINE = "Trước ngày 15/7/2025"


def _wait_for_htmx(page):
    """htmx wires the hx-* buttons on DOMContentLoaded, which is over once the page has loaded."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined")


def test_editor_creates_next_years_plan_and_adds_rows_inline(page, live_server, seed, log_in, artifacts_dir):
    assert not Plan.objects.filter(unit__slug="le-loi", year=2025).exists()

    # The plan list (where the login lands) offers "Tạo kế hoạch".
    log_in("le-loi-editor")
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/")
    page.get_by_role("link", name="Tạo kế hoạch", exact=True).click()

    # The creation form: the unit (Lê Lợi is the only one this editor may write for) and the year.
    expect(page.get_by_role("heading", level=1)).to_have_text("Tạo kế hoạch kiểm soát thủ tục hành chính")
    unit = page.get_by_label("Đơn vị")
    expect(unit.locator("option:checked")).to_have_text("Xã Lê Lợi")
    page.get_by_label("Năm kế hoạch").fill("2025")
    page.get_by_role("button", name="Tạo kế hoạch").click()

    # The edit page of the new plan, with its four empty sections.
    expect(page.get_by_role("heading", level=1)).to_have_text("Soạn kế hoạch năm 2025 – Xã Lê Lợi")
    plan = Plan.objects.get(unit__slug="le-loi", year=2025)
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/{plan.pk}/sua/")
    expect(page.locator(".messages")).to_contain_text("Đã tạo kế hoạch năm 2025 của Xã Lê Lợi với các phần mặc định.")
    grid = page.locator("#plan-grid")
    expect(grid.locator("tr.section-row")).to_have_count(4)
    section_i = plan.sections.get(number="I")
    section_body = page.locator(f"#section-{section_i.pk}")
    expect(section_body.locator("tr.empty-row")).to_have_count(1)
    _wait_for_htmx(page)

    # "+ Nội dung" on section I opens an empty row at its end, the number suggested and focused.
    page.get_by_role("button", name="Thêm nội dung vào cuối mục I", exact=True).click()
    new_row = page.get_by_role("row", name="Dòng mới – mục I")
    number = new_row.get_by_label("STT")
    expect(number).to_be_focused()
    expect(number).to_have_value("1")
    new_row.get_by_label("Nội dung công việc").fill(ROW_CONTENT)
    new_row.get_by_label("Chủ trì").fill(ROW_LEAD)
    new_row.get_by_label("Phối hợp").fill(ROW_PARTNERS)
    # The deadline is read as it is typed (asked from the server after a short pause).
    deadline = new_row.get_by_label("Thời hạn hoàn thành")
    with page.expect_response(lambda r: "/thoi-han/" in r.url and "Qu" in r.url) as previewed:
        deadline.press_sequentially(ROW_DEADLINE)
    assert previewed.value.ok
    expect(new_row.locator(".deadline-meaning")).to_have_text("→ hạn 30/06/2025")
    new_row.get_by_label("Sản phẩm dự kiến").fill(ROW_PRODUCT)
    assert not Task.objects.filter(section__plan=plan).exists()  # nothing saved before "Lưu"
    page.screenshot(path=artifacts_dir / "edit_journey_new_row.png")

    # Ctrl+Enter saves: section I comes back with the row in place of the form, and the row is focused.
    with page.expect_response(lambda r: r.request.method == "POST" and "/them-noi-dung/" in r.url) as saved:
        new_row.get_by_label("Sản phẩm dự kiến").press("Control+Enter")
    assert saved.value.ok and saved.value.request.headers.get("hx-request") == "true"
    task = Task.objects.get(section=section_i, content=ROW_CONTENT)
    row = page.locator(f"#task-{task.pk}")
    expect(row).to_be_focused()
    expect(row.locator("td.c-num")).to_have_text("1")
    expect(row.locator("td.content")).to_have_text(ROW_CONTENT)
    expect(row).to_contain_text(ROW_LEAD)
    expect(row.locator(".deadline-meaning")).to_have_text("→ hạn 30/06/2025")
    expect(section_body.locator("tr[data-row-form]")).to_have_count(0)
    expect(section_body.locator("tr.empty-row")).to_have_count(0)

    # "+ Ý con" under it: a "-" row right below, one level deeper.
    row.get_by_role("button", name="Thêm ý con cho nội dung 1").click()
    sub_row = page.get_by_role("row", name="Ý con mới – mục I")
    expect(sub_row).to_have_class(re.compile(r"\bdepth-1\b"))
    # htmx focuses the new row's first box once it has settled; typing elsewhere before that could
    # land in the number box, as it would for a person typing that fast.
    expect(sub_row.get_by_label("STT")).to_be_focused()
    expect(sub_row.get_by_label("STT")).to_have_value("-")
    sub_row.get_by_label("Nội dung công việc").fill(SUB_CONTENT)
    with page.expect_response(lambda r: "/thoi-han/" in r.url):
        sub_row.get_by_label("Thời hạn hoàn thành").fill(SUB_DEADLINE)
    expect(sub_row.locator(".deadline-meaning")).to_have_text("→ hạn 15/07/2025")
    with page.expect_response(lambda r: r.request.method == "POST" and "/them-noi-dung/" in r.url):
        sub_row.get_by_label("Nội dung công việc").press("Control+Enter")
    sub_task = Task.objects.get(section=section_i, content=SUB_CONTENT)
    sub = page.locator(f"#task-{sub_task.pk}")
    expect(sub).to_be_focused()
    expect(sub).to_have_class(re.compile(r"\bdepth-1\b"))
    expect(sub.locator("td.content")).to_have_text(f"- {SUB_CONTENT}")
    expect(section_body.locator("tr.task-row")).to_have_count(2)

    # A row without content is refused: the message sits next to the content box, the rest stays.
    page.get_by_role("button", name="Thêm nội dung vào cuối mục I", exact=True).click()
    refused = page.get_by_role("row", name="Dòng mới – mục I")
    expect(refused.get_by_label("STT")).to_be_focused()
    expect(refused.get_by_label("STT")).to_have_value("2")
    refused.get_by_label("Chủ trì").fill("Công chức Tư pháp - Hộ tịch")
    with page.expect_response(lambda r: "/thoi-han/" in r.url):
        refused.get_by_label("Thời hạn hoàn thành").fill("Tháng 9/2025")
    with page.expect_response(lambda r: r.request.method == "POST" and "/them-noi-dung/" in r.url) as refused_post:
        refused.get_by_label("Thời hạn hoàn thành").press("Control+Enter")
    assert refused_post.value.status == 200
    content_cell = refused.locator("td.content")
    expect(content_cell.locator(".errorlist")).to_have_text("Nội dung công việc không được để trống.")
    expect(refused.get_by_role("alert")).to_have_text("Chưa lưu: xem các lỗi ở từng ô.")
    expect(refused.get_by_label("Nội dung công việc")).to_be_focused()
    expect(refused.get_by_label("STT")).to_have_value("2")
    expect(refused.get_by_label("Chủ trì")).to_have_value("Công chức Tư pháp - Hộ tịch")
    expect(refused.get_by_label("Thời hạn hoàn thành")).to_have_value("Tháng 9/2025")
    expect(refused.locator(".deadline-meaning")).to_have_text("→ hạn 30/09/2025")
    expect(section_body.locator("tr.task-row")).to_have_count(2)  # the saved rows are untouched
    page.screenshot(path=artifacts_dir / "edit_journey_refused_row.png")
    assert Task.objects.filter(section__plan=plan).count() == 2

    # Esc drops the unsaved row (it was never stored).
    refused.get_by_label("Nội dung công việc").press("Escape")
    expect(page.get_by_role("row", name="Dòng mới – mục I")).to_have_count(0)
    expect(section_body.locator("tr.task-row")).to_have_count(2)

    # After a reload the saved rows are there, in order, with their meanings.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Soạn kế hoạch năm 2025 – Xã Lê Lợi")
    rows = page.locator(f"#section-{section_i.pk} tr.task-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td.content")).to_have_text(ROW_CONTENT)
    expect(rows.nth(0).locator(".deadline-meaning")).to_have_text("→ hạn 30/06/2025")
    expect(rows.nth(1).locator("td.content")).to_have_text(f"- {SUB_CONTENT}")
    expect(rows.nth(1).locator(".deadline-meaning")).to_have_text("→ hạn 15/07/2025")
    page.screenshot(path=artifacts_dir / "edit_journey_reloaded.png", full_page=True)

    # The database: the row with what was typed and its parsed deadline, the sub-item under it.
    task.refresh_from_db()
    assert (task.number, task.content, task.lead, task.partners, task.product, task.parent) == (
        "1",
        ROW_CONTENT,
        ROW_LEAD,
        ROW_PARTNERS,
        ROW_PRODUCT,
        None,
    )
    assert (task.deadline_text, task.deadline_kind, task.due_dates) == (ROW_DEADLINE, "fixed", ["2025-06-30"])
    sub_task.refresh_from_db()
    assert (sub_task.number, sub_task.parent_id, sub_task.section_id) == ("-", task.pk, section_i.pk)
    assert (sub_task.deadline_kind, sub_task.due_dates) == ("fixed", ["2025-07-15"])
    assert list(Task.objects.filter(section__plan=plan).values_list("content", flat=True).order_by("pk")) == [
        ROW_CONTENT,
        SUB_CONTENT,
    ]
    assert Plan.objects.get(unit__slug="le-loi", year=2024).sections.filter(tasks__content=ROW_CONTENT).count() == 0
    assert page.problems == []
