"""The whole review loop in a real Chromium, with the demo users of Lê Lợi and Gia Lộc:
the commune editor submits → the district reviewer comments on a row and returns → the editor fixes
the row, answers and resolves the comment, and resubmits → the reviewer approves → the commune's
signer issues with a number and a date. Each user finds the plan through the inbox."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from plans.models import Decision, Plan
from tasks.models import Task
from tests.factories import approved_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REMARK = "Ghi rõ thời hạn hoàn thành và sản phẩm của nội dung này."
FIXED = "Rà soát, cập nhật và niêm yết công khai thủ tục hành chính (đã sửa theo ý kiến thẩm định)"


def _switch_user(page, log_in, username):
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))
    log_in(username)


def _open_newest_notification(page, unread):
    inbox_link = page.locator("header.topbar a.inbox-link")
    expect(inbox_link).to_have_text(f"Hộp thư ({unread})")
    inbox_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hộp thư")
    page.locator("li.inbox-item.is-unread a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thẩm định kế hoạch năm 2024 – Xã Lê Lợi")


def test_editor_and_district_reviewer_run_the_whole_loop(page, live_server, seed, log_in, artifacts_dir):
    plan = Plan.objects.get(unit__slug="le-loi", year=2024)
    row = Task.objects.filter(section__plan=plan, parent=None).order_by("section__order", "order").first()
    review_url = f"{live_server.url}/ke-hoach/{plan.pk}/y-kien/"
    status = page.locator("#plan-status")
    actions = page.locator("#workflow-actions")
    row_cell = page.locator(f"#row-{row.pk} td.c-comments")
    page.on("dialog", lambda dialog: dialog.accept())  # the hx-confirm questions

    # 1. The commune editor submits the draft.
    log_in("le-loi-editor")
    expect(page.locator("header.topbar a.inbox-link")).to_have_text("Hộp thư")
    page.goto(review_url)
    expect(status).to_have_text("Dự thảo")
    page.wait_for_function("() => window.htmx !== undefined")
    actions.get_by_role("button", name="Gửi thẩm định").click()
    expect(status).to_have_text("Đã gửi thẩm định")
    expect(page.locator(".msg-success")).to_contain_text("Đã gửi kế hoạch đi thẩm định")

    # 2. The district reviewer finds it in the inbox, comments on a row and returns the plan.
    _switch_user(page, log_in, "gia-loc-reviewer")
    _open_newest_notification(page, unread=1)
    expect(page).to_have_url(review_url)
    expect(page.locator("header.topbar a.inbox-link")).to_have_text("Hộp thư")  # opened: read
    row_cell.get_by_text("Góp ý dòng này").click()
    row_cell.get_by_role("textbox").fill(REMARK)
    row_cell.get_by_role("button", name="Gửi ý kiến").click()
    thread = row_cell.locator("article.comment-thread")
    expect(thread).to_contain_text(REMARK)
    expect(thread).to_contain_text("Chưa xử lý")
    page.screenshot(path=artifacts_dir / "review_reviewer_commented.png", full_page=False)
    actions.get_by_text("Trả lại cho đơn vị…").click()
    actions.get_by_label("Lý do trả lại").fill("Đề nghị sửa theo ý kiến tại dòng đã góp ý.")
    actions.get_by_role("button", name="Trả lại").click()
    expect(status).to_have_text("Bị trả lại")
    expect(page.locator(".wf-history")).to_contain_text("Đề nghị sửa theo ý kiến tại dòng đã góp ý.")

    # 3. The editor sees the comment beside the row, fixes the row in the editor, answers, resolves
    #    and resubmits.
    _switch_user(page, log_in, "le-loi-editor")
    _open_newest_notification(page, unread=1)
    expect(row_cell.locator("article.comment-thread")).to_contain_text(REMARK)
    page.screenshot(path=artifacts_dir / "review_editor_sees_comment.png", full_page=False)

    page.goto(f"/ke-hoach/{plan.pk}/sua/")
    page.wait_for_function("() => window.htmx !== undefined")
    editor_row = page.locator(f"#task-{row.pk}")
    editor_row.locator("button[data-edit]").click()
    expect(page.locator(f"tr#task-{row.pk}[data-row-form]")).to_be_attached()
    page.wait_for_load_state("networkidle")  # the row's form is in place and nothing else is on its way
    page.locator(f"#t{row.pk}-content").fill(FIXED)
    expect(page.locator(f"#t{row.pk}-content")).to_have_value(FIXED)
    editor_row.locator("button[data-save]").click()
    expect(page.locator(f"#task-{row.pk}[data-row]")).to_contain_text(FIXED)

    page.goto(review_url)
    expect(page.locator(f"#row-{row.pk}")).to_contain_text(FIXED)
    thread = row_cell.locator("article.comment-thread")
    thread.get_by_text("Trả lời", exact=True).click()
    thread.get_by_role("textbox").fill("Đã sửa nội dung dòng này.")
    thread.get_by_role("button", name="Gửi trả lời").click()
    expect(thread).to_contain_text("Đã sửa nội dung dòng này.")
    thread.get_by_role("button", name="Đánh dấu đã xử lý").click()
    expect(thread.locator(".badge")).to_have_text("Đã xử lý")
    expect(page.locator("#wf-open-count")).to_have_text("Không có ý kiến nào chưa xử lý.")
    page.screenshot(path=artifacts_dir / "review_editor_resolved.png", full_page=False)
    actions.get_by_role("button", name="Gửi thẩm định lại").click()
    expect(status).to_have_text("Đã gửi thẩm định")

    # 4. The reviewer (told of the answer and of the resubmission) approves.
    _switch_user(page, log_in, "gia-loc-reviewer")
    _open_newest_notification(page, unread=2)
    expect(page.locator(".wf-history")).to_contain_text("Bị trả lại → Đã gửi thẩm định")
    actions.get_by_role("button", name="Phê duyệt").click()
    expect(status).to_have_text("Đã phê duyệt")
    approved_on(plan, date(2024, 1, 20))  # the seed plan was issued on 23/01/2024: approved before that

    # 5. The commune's signer issues with a number and a date; the plan is locked.
    _switch_user(page, log_in, "le-loi-signer")
    _open_newest_notification(page, unread=1)
    actions.get_by_label("Số quyết định").fill("5")
    actions.get_by_label("Ngày ban hành").fill("2024-01-23")
    actions.get_by_role("button", name="Ban hành").click()
    expect(status).to_have_text("Đã ban hành")
    expect(page.locator(".msg-success")).to_have_text("Đã ban hành: Quyết định số 05/QĐ-UBND ngày 23/01/2024.")
    expect(actions.get_by_role("button")).to_have_count(0)
    page.screenshot(path=artifacts_dir / "review_issued.png", full_page=False)

    # The editor was told of the approval and the issue, and may now only start a new revision.
    _switch_user(page, log_in, "le-loi-editor")
    expect(page.locator("header.topbar a.inbox-link")).to_have_text("Hộp thư (2)")
    page.locator("header.topbar a.inbox-link").click()
    items = page.locator("li.inbox-item")
    expect(items.first).to_contain_text(
        "đã ban hành Kế hoạch năm 2024 – Xã Lê Lợi: Quyết định số 05/QĐ-UBND ngày 23/01/2024"
    )
    expect(items.nth(1)).to_contain_text("đã phê duyệt")
    page.screenshot(path=artifacts_dir / "inbox_editor.png", full_page=False)
    page.goto(review_url)
    expect(actions.get_by_role("button")).to_have_text(["Lập lần ban hành mới"])

    decision = Decision.objects.get(plan=plan)
    assert (decision.number, decision.issued_on.isoformat()) == (5, "2024-01-23")
    assert list(plan.transitions.values_list("to_status", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "approved",
        "issued",
    ]
    assert page.problems == []
