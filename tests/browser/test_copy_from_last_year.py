"""A commune editor starts next year's plan from this year's in a real Chromium: open the 2024 plan,
ask for the 2025 copy, read the list of changes and of the years to check, create it, land on it."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from plans.models import Plan
from plans.serializing import table_to_data
from tasks.models import Task

# live_server makes the database transactional; serialized_rollback puts back the rows the data
# migrations wrote (reporting periods, which seed_demo needs) that an earlier flush removed.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _row_with(table, *texts):
    """The table row holding every one of `texts`."""
    row = table.locator("tbody tr")
    for text in texts:
        row = row.filter(has_text=text)
    return row


def _rows_by_place(plan):
    """{(section number, orders of the row and its parents from the top): task} for a plan's rows."""
    tasks = {task.pk: task for task in Task.objects.filter(section__plan=plan).select_related("section")}

    def place(task):
        path = [task.order]
        while task.parent_id:
            task = tasks[task.parent_id]
            path.insert(0, task.order)
        return (task.section.number, tuple(path))

    return {place(task): task for task in tasks.values()}


def test_editor_reviews_the_changes_and_creates_next_years_plan(page, live_server, seed, log_in, artifacts_dir):
    source = Plan.objects.get(unit__slug="le-loi", year=2024)
    source_tasks = Task.objects.filter(section__plan=source).count()
    source_table = table_to_data(source)
    assert not Plan.objects.filter(unit__slug="le-loi", year=2025).exists()

    log_in("le-loi-editor")
    page.get_by_role("link", name="Xã Lê Lợi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kế hoạch năm 2024 – Xã Lê Lợi")
    page.get_by_role("link", name="Tạo kế hoạch năm sau từ kế hoạch này").click()

    # The review page for 2025: nothing is created yet.
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/{source.pk}/sao-chep/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kế hoạch năm 2025 từ kế hoạch năm 2024 – Xã Lê Lợi")
    expect(page.get_by_label("Năm của kế hoạch mới")).to_have_value("2025")
    create = page.get_by_role("button", name="Tạo kế hoạch năm 2025")
    expect(create).to_be_enabled()

    # Every change, before → after, with the moved years marked.
    changes = page.locator("table.copy-changes")
    heading = page.get_by_role("heading", name=re.compile(r"^Các thay đổi \(\d+\)$"))
    expect(heading).to_be_visible()
    count = int(re.search(r"\((\d+)\)", heading.inner_text()).group(1))
    assert count > 10
    expect(page.locator(".copy-counts")).to_contain_text(f"{count} thay đổi")
    quarter = _row_with(changes, "Mục I, dòng 2 – Thời hạn")
    expect(quarter).to_have_count(1)
    expect(quarter.locator("td").nth(1).locator("mark")).to_have_text("Quý II/2024")
    expect(quarter.locator("td").nth(2).locator("mark")).to_have_text("Quý II/2025")
    # The province's and the district's plans cited as legal bases keep their 2024 number and date:
    # flagged to be updated.
    expect(page.locator(".copy-counts")).to_contain_text("2 căn cứ cần cập nhật số, ngày")
    province = _row_with(changes, "Căn cứ 8", "cần cập nhật")
    expect(province.locator("td").first).to_contain_text(
        "Cần cập nhật số, ngày của kế hoạch cấp trên năm 2025 (đang ghi: số 139/QĐ-UBND ngày 17/01/2024)."
    )
    expect(province.locator("td").nth(2)).to_contain_text("Căn cứ Quyết định số 139/QĐ-UBND ngày 17/01/2024")
    expect(province.locator("td").nth(2).locator("mark")).to_have_text("năm 2025")

    # The 2024 plan's own misfits (seed 000's Điều 2 speaks of 2022 and 2023) are listed apart.
    own = page.locator(
        "section.card", has=page.get_by_role("heading", name=re.compile("^Năm cần kiểm tra trong kế hoạch năm 2024"))
    )
    expect(own).to_be_visible()
    expect(own.locator("h2 .badge")).to_have_text("3")
    clause = _row_with(
        own.locator("table"), "Điều 2, khoản 1", "Nhắc đến năm 2022 trong kế hoạch năm 2024 — kiểm tra lại."
    )
    expect(clause).to_have_count(1)
    expect(clause.locator("mark")).to_have_text("năm 2022")
    expect(clause).to_contain_text("phòng ngừa những hạn chế, tồn tại của năm 2022")
    iv5 = _row_with(own.locator("table"), "Mục IV, dòng 5 – Thời hạn")
    expect(iv5.locator("mark")).to_have_text("năm 2023")
    expect(own.locator("tbody tr:not(.section-row)")).to_have_count(3)
    # What the copy will still say about other years is listed for the new plan too: 2022 stays 2022.
    ahead = page.locator("section.card", has=page.get_by_role("heading", name="Cần kiểm tra trong kế hoạch năm 2025"))
    expect(
        _row_with(ahead.locator("table"), "Điều 2, khoản 1", "Nhắc đến năm 2022 trong kế hoạch năm 2025")
    ).to_have_count(1)

    page.screenshot(path=artifacts_dir / "copy_journey_review.png", full_page=True)
    assert not Plan.objects.filter(unit__slug="le-loi", year=2025).exists()

    # Create: the new plan's page, a draft, with the message.
    create.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kế hoạch năm 2025 – Xã Lê Lợi")
    copy = Plan.objects.get(unit__slug="le-loi", year=2025)
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/{copy.pk}/")
    expect(page.locator(".messages")).to_contain_text("Đã tạo kế hoạch năm 2025 (dự thảo) từ kế hoạch năm 2024.")
    expect(page.locator(".badge.status-draft").first).to_have_text("Dự thảo")
    table = page.locator("table.plan-table")
    moved = table.locator("tbody tr", has_text="Quý II/2025").first
    expect(moved.locator(".deadline-meaning")).to_have_text("→ hạn 30/06/2025")
    expect(table).not_to_contain_text("Quý II/2024")
    # The new plan shows its own years to check (Điều 2's 2022 among them).
    own_2025 = page.locator(
        "section.card", has=page.get_by_role("heading", name=re.compile("^Năm cần kiểm tra trong kế hoạch năm 2025"))
    )
    expect(
        _row_with(own_2025.locator("table"), "Điều 2, khoản 1", "Nhắc đến năm 2022 trong kế hoạch năm 2025")
    ).to_have_count(1)
    page.screenshot(path=artifacts_dir / "copy_journey_created.png")

    # The database: a draft copy with the same rows, deadlines moved to 2025.
    assert copy.status == Plan.Status.DRAFT
    assert (copy.decision.number, copy.decision.issued_on) == (None, None)  # filled in when issued
    copied = Task.objects.filter(section__plan=copy)
    assert copied.count() == source_tasks
    assert list(copy.sections.values_list("number", flat=True)) == list(
        source.sections.values_list("number", flat=True)
    )
    source_q2 = Task.objects.filter(section__plan=source, deadline_text="Quý II/2024")
    copy_q2 = copied.filter(deadline_text="Quý II/2025")
    assert source_q2.count() == copy_q2.count() > 0
    assert {(t.deadline_kind, tuple(t.due_dates)) for t in copy_q2} == {("fixed", ("2025-06-30",))}
    # Row by row, at the same place in the table: the same number; a due date in 2024 is now the
    # same kind of due date in 2025.
    source_rows, copied_rows = _rows_by_place(source), _rows_by_place(copy)
    assert copied_rows.keys() == source_rows.keys()
    moved_rows = 0
    for place, before in source_rows.items():
        after = copied_rows[place]
        assert after.number == before.number
        years = {date.fromisoformat(d).year for d in before.due_dates}
        if years == {2024}:
            assert after.deadline_kind == before.deadline_kind, after.deadline_text
            assert {date.fromisoformat(d).year for d in after.due_dates} == {2025}, after.deadline_text
            assert len(after.due_dates) == len(before.due_dates)
            moved_rows += 1
    assert moved_rows > 10
    assert table_to_data(source) == source_table  # the 2024 plan is untouched
    assert page.problems == []
