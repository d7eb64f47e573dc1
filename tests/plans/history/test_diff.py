"""Every change to a plan is kept (django-simple-history), and the reviewer reads what changed since
the last submission as a diff of rows (plans.history.diff, the history page, {% plan_diff plan %})."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from orgs.models import User
from plans.editing import services as editing
from plans.files.importing import replace_table
from plans.history.diff import change_log, changes_since_last_submission, word_diff
from plans.models import Decision, LegalBasis, Plan
from plans.serializing import table_to_data
from plans.workflow import services as workflow
from tasks.models import Section, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(seed):
    return User.objects.get(username="le-loi-editor")


@pytest.fixture
def reviewer(seed):
    return User.objects.get(username="gia-loc-reviewer")


def row(plan, section="I", number="2"):
    return Task.objects.get(section__plan=plan, section__number=section, number=number)


def submit_and_return(plan, editor, reviewer):
    workflow.submit_plan(plan=plan, user=editor)
    workflow.return_plan(plan=plan, user=reviewer, comment="Sửa thời hạn mục I.")


def edit_while_returned(plan, editor):
    """An edited row, an added row, a removed row and a changed legal basis."""
    edited = row(plan)
    editing.update_task(
        task=edited,
        data={"content": "Xây dựng, ban hành Đề án Kiện toàn Bộ phận Một cửa cấp xã", "deadline_text": "Quý III/2024"},
        user=editor,
    )
    section = Section.objects.get(plan=plan, number="I")
    editing.add_task(
        section=section,
        data={"number": "4", "content": "Rà soát quy chế phối hợp", "deadline_text": "Tháng 9/2024"},
        user=editor,
    )
    removed = row(plan, "IV", "3")
    editing.delete_task(task=removed, user=editor)
    texts = list(plan.decision.legal_bases.values_list("text", flat=True))
    texts[-1] = texts[-1].replace("22/01/2024", "25/01/2024")
    editing.set_legal_bases(plan=plan, texts=texts, user=editor)
    return edited, removed


# --- changes are kept ------------------------------------------------------------------------------


def test_loading_a_plan_records_every_row_in_the_history(le_loi_plan):
    tasks = Task.objects.filter(section__plan=le_loi_plan)
    assert Task.history.filter(id__in=tasks.values("pk"), history_type="+").count() == tasks.count()
    assert (
        LegalBasis.history.filter(decision_id=le_loi_plan.decision.pk).count()
        == le_loi_plan.decision.legal_bases.count()
    )


def test_each_edit_is_kept_with_who_made_it(le_loi_plan, editor):
    task = row(le_loi_plan)
    editing.update_task(task=task, data={"deadline_text": "Quý III/2024"}, user=editor)
    editing.update_decision(plan=le_loi_plan, data={"signer_name": "Nguyễn Văn Bình"}, user=editor)
    latest = Task.history.filter(id=task.pk).first()
    assert (latest.history_type, latest.deadline_text, latest.history_user) == ("~", "Quý III/2024", editor)
    assert Task.history.filter(id=task.pk).last().deadline_text == "Quý II/2024"
    decision = Decision.history.filter(plan_id=le_loi_plan.pk).first()
    assert (decision.signer_name, decision.history_user) == ("Nguyễn Văn Bình", editor)


def test_a_deleted_row_is_kept_in_the_history(le_loi_plan, editor):
    task = row(le_loi_plan, "IV", "3")
    editing.delete_task(task=task, user=editor)
    deleted = Task.history.filter(id=task.pk).first()
    assert (deleted.history_type, deleted.history_user, deleted.number) == ("-", editor, "3")


# --- the diff since the last submission ------------------------------------------------------------


def test_nothing_to_compare_before_a_second_submission(le_loi_plan, editor):
    assert changes_since_last_submission(le_loi_plan).baseline is None
    workflow.submit_plan(plan=le_loi_plan, user=editor)
    diff = changes_since_last_submission(le_loi_plan)
    assert diff.baseline is None and diff.is_empty


def test_the_diff_shows_an_edited_an_added_and_a_removed_row_and_a_changed_legal_basis(le_loi_plan, editor, reviewer):
    submit_and_return(le_loi_plan, editor, reviewer)
    edited, removed = edit_while_returned(le_loi_plan, editor)
    workflow.submit_plan(plan=le_loi_plan, user=editor)

    diff = changes_since_last_submission(le_loi_plan)
    first_submission = le_loi_plan.transitions.filter(to_status=Plan.Status.SUBMITTED).first()
    assert diff.baseline == first_submission
    assert diff.counts == {"added": 1, "removed": 1, "changed": 1}
    by_kind = {change.kind: change for change in diff.rows}

    changed = by_kind["changed"]
    assert (changed.row.pk, changed.row.label) == (edited.pk, "Dòng 2 (mục I)")
    fields = {change.label: change for change in changed.changes}
    assert set(fields) == {le_loi_plan.column_labels["content"], le_loi_plan.column_labels["deadline"]}
    deadline = fields[le_loi_plan.column_labels["deadline"]]
    assert (deadline.before, deadline.after) == ("Quý II/2024", "Quý III/2024")
    assert deadline.before_parts == [("Quý ", False), ("II/2024", True)]
    assert deadline.after_parts == [("Quý ", False), ("III/2024", True)]

    added = by_kind["added"]
    assert added.row.label == "Dòng 4 (mục I)"
    assert (le_loi_plan.column_labels["content"], "Rà soát quy chế phối hợp") in added.cells

    gone = by_kind["removed"]
    assert (gone.row.pk, gone.row.label) == (removed.pk, "Dòng 3 (mục IV)")
    assert gone.row.text.startswith("Tham gia học tập kinh nghiệm")

    [bases] = diff.lists
    assert bases.title == "Căn cứ ban hành"
    [basis] = bases.items
    assert basis.kind == "changed" and basis.label == "Căn cứ thứ 9"
    assert "22/01/2024" in basis.before and "25/01/2024" in basis.after


def test_rows_come_in_print_order_with_a_removed_row_where_it_was(le_loi_plan, editor, reviewer):
    submit_and_return(le_loi_plan, editor, reviewer)
    edit_while_returned(le_loi_plan, editor)
    labels = [change.row.label for change in changes_since_last_submission(le_loi_plan).rows]
    assert labels == ["Dòng 2 (mục I)", "Dòng 4 (mục I)", "Dòng 3 (mục IV)"]


def test_while_the_plan_is_being_fixed_the_diff_compares_with_the_last_submission(le_loi_plan, editor, reviewer):
    submit_and_return(le_loi_plan, editor, reviewer)
    assert changes_since_last_submission(le_loi_plan).is_empty
    editing.update_task(task=row(le_loi_plan), data={"lead": "Văn phòng – Thống kê"}, user=editor)
    [change] = changes_since_last_submission(le_loi_plan).rows
    assert change.kind == "changed" and change.changes[0].after == "Văn phòng – Thống kê"


def test_a_table_imported_again_is_compared_row_by_number(le_loi_plan, editor, reviewer):
    submit_and_return(le_loi_plan, editor, reviewer)
    sections = table_to_data(le_loi_plan)
    sections[0]["tasks"][1]["deadline"] = "Quý IV/2024"
    replace_table(plan=le_loi_plan, sections=sections, user=editor)
    diff = changes_since_last_submission(le_loi_plan)
    assert diff.counts == {"added": 0, "removed": 0, "changed": 1}
    assert diff.rows[0].changes[0].after == "Quý IV/2024"


def test_an_import_shows_in_the_change_log_as_one_change_by_the_importer(le_loi_plan, editor):
    rows = Section.objects.filter(plan=le_loi_plan).count() + Task.objects.filter(section__plan=le_loi_plan).count()
    replace_table(plan=le_loi_plan, sections=table_to_data(le_loi_plan), user=editor, columns={"lead": "Chủ trì"})
    entry = change_log(le_loi_plan)[0]
    assert entry.who == editor.full_name
    assert [line.text for line in entry.lines] == [
        f"Thay đổi nhiều dòng của bảng (thêm {rows}, xóa {rows} mục và dòng)",
        "Sửa tiêu đề và tên cột của bảng",
    ]


def test_word_diff_marks_only_the_words_that_changed():
    old, new = word_diff("Báo cáo kết quả Quý II/2024 cho UBND huyện", "Báo cáo kết quả 6 tháng đầu năm cho UBND huyện")
    assert old == [("Báo cáo kết quả ", False), ("Quý II/2024", True), (" cho UBND huyện", False)]
    assert new == [("Báo cáo kết quả ", False), ("6 tháng đầu năm", True), (" cho UBND huyện", False)]


# --- what the reviewer sees ------------------------------------------------------------------------


def test_the_reviewer_sees_the_diff_and_the_change_log_on_the_history_page(client, le_loi_plan, editor, reviewer):
    submit_and_return(le_loi_plan, editor, reviewer)
    edit_while_returned(le_loi_plan, editor)
    workflow.submit_plan(plan=le_loi_plan, user=editor)
    client.force_login(reviewer)
    body = client.get(reverse("plans:history", args=[le_loi_plan.pk])).content.decode()
    assert "Thay đổi so với lần gửi thẩm định trước" in body
    assert "<del>II/2024</del>" in body and "<ins>III/2024</ins>" in body
    assert "Rà soát quy chế phối hợp" in body and "Tham gia học tập kinh nghiệm" in body
    assert "<del>22/01/2024</del>" in body and "<ins>25/01/2024</ins>" in body
    # The log: who changed what, and the workflow steps with their comments.
    assert "Sửa dòng 2 (mục I)" in body and "Xóa dòng 3 (mục IV)" in body and "Sửa căn cứ ban hành" in body
    assert editor.full_name in body and "Sửa thời hạn mục I." in body


def test_the_history_page_is_hidden_from_users_who_cannot_see_the_plan(client, le_loi_plan):
    client.force_login(User.objects.get(username="ha-tan-editor"))
    assert client.get(reverse("plans:history", args=[le_loi_plan.pk])).status_code == 404


def test_the_plan_diff_tag_shows_the_changes_and_nothing_without_a_baseline(le_loi_plan, editor, reviewer):
    template = Template("{% load history_tags %}{% plan_diff plan %}")
    context = Context({"plan": le_loi_plan, "request": RequestFactory().get("/")})
    assert "plan-diff" not in template.render(context)
    submit_and_return(le_loi_plan, editor, reviewer)
    edit_while_returned(le_loi_plan, editor)
    html = template.render(context)
    assert "Thêm 1 mục/dòng" in html and "Xóa 1 mục/dòng" in html and "Sửa 1 mục/dòng" in html
    assert reverse("plans:history", args=[le_loi_plan.pk]) in html


def test_the_change_log_names_who_did_what_newest_first(le_loi_plan, editor, reviewer):
    submit_and_return(le_loi_plan, editor, reviewer)
    editing.update_task(task=row(le_loi_plan), data={"product": "Đề án kiện toàn Bộ phận Một cửa"}, user=editor)
    entries = change_log(le_loi_plan)
    assert entries[0].who == editor.full_name
    assert entries[0].lines[0].text == "Sửa dòng 2 (mục I)"
    assert entries[1].transition.to_status == Plan.Status.RETURNED
    assert entries[-1].lines[0].text.startswith("Tạo kế hoạch: ")
