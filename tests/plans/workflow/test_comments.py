"""Review comments on a plan and on its rows: who writes, answers and resolves them, and when."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plans.models import PlanComment
from plans.workflow import comments
from plans.workflow import services as workflow
from tasks.models import Task
from tests.factories import TaskFactory, approved_on, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(tree):
    """The shared tree, its plan submitted: the reviewers comment while they review it."""
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    return tree


@pytest.fixture
def row(tree):
    return Task.objects.get(section__plan=tree.plan)


def test_a_reviewer_above_comments_on_a_row_while_the_plan_is_under_review(tree, row):
    remark = comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="  Ghi rõ thời hạn.  ", task=row)
    assert (remark.task, remark.author, remark.text, remark.plan_version) == (
        row,
        tree.district_reviewer,
        "Ghi rõ thời hạn.",
        tree.plan.version,
    )
    assert remark.task_label == f"I.{row.number} {row.content}"
    assert comments.threads_by_task(tree.plan) == {row.pk: [remark]}


def test_a_comment_on_the_whole_plan(tree):
    remark = comments.add_comment(plan=tree.plan, user=tree.province_reviewer, text="Bổ sung căn cứ.")
    assert remark.task is None and comments.threads_by_task(tree.plan) == {None: [remark]}


@pytest.mark.parametrize("who", ["editor", "signer", "commune_reviewer", "other_reviewer"])
def test_only_reviewers_above_write_comments(tree, who):
    with pytest.raises(PermissionDenied):
        comments.add_comment(plan=tree.plan, user=getattr(tree, who), text="Ý kiến.")


def test_no_new_comment_once_the_plan_is_back_with_the_commune(tree):
    workflow.return_plan(plan=tree.plan, user=tree.district_reviewer, comment="Sửa.")
    with pytest.raises(ValidationError, match="đang chờ thẩm định"):
        comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Thêm ý.")


def test_an_empty_comment_or_a_row_of_another_plan_is_refused(tree):
    with pytest.raises(ValidationError, match="nội dung ý kiến"):
        comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="  ")
    foreign = Task.objects.get(section__plan=make_plan(tree.commune, year=2025))
    with pytest.raises(ValidationError, match="không thuộc kế hoạch"):
        comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Ý kiến.", task=foreign)
    assert not PlanComment.objects.exists()


def test_the_editor_answers_after_the_return_and_marks_the_thread_resolved(tree, row):
    remark = comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Ghi rõ thời hạn.", task=row)
    workflow.return_plan(plan=tree.plan, user=tree.district_reviewer, comment="Xem ý kiến theo dòng.")

    answer = comments.answer_comment(comment=remark, user=tree.editor, text="Đã sửa thành Quý II/2024.")
    comments.resolve_comment(comment=remark, user=tree.editor)

    remark.refresh_from_db()
    assert (answer.parent, answer.task) == (remark, row)
    assert remark.is_resolved and remark.resolved_by == tree.editor
    assert comments.open_count(tree.plan) == 0
    [thread] = comments.threads(tree.plan)
    assert [a.text for a in thread.answer_list] == ["Đã sửa thành Quý II/2024."]


def test_an_answer_to_an_answer_joins_the_same_thread(tree):
    remark = comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Vì sao?")
    answer = comments.answer_comment(comment=remark, user=tree.editor, text="Vì …")
    again = comments.answer_comment(comment=answer, user=tree.district_reviewer, text="Đồng ý.")
    assert again.parent == remark


def test_the_editor_answers_while_under_review_but_a_reviewer_only_then(tree):
    remark = comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Vì sao?")
    comments.answer_comment(comment=remark, user=tree.editor, text="Vì …")
    workflow.return_plan(plan=tree.plan, user=tree.district_reviewer, comment="Sửa.")
    with pytest.raises(PermissionDenied):
        comments.answer_comment(comment=remark, user=tree.district_reviewer, text="Thêm.")
    with pytest.raises(PermissionDenied):
        comments.answer_comment(comment=remark, user=tree.signer, text="Thêm.")


def test_the_author_may_resolve_their_comment_but_another_reviewer_may_not(tree):
    remark = comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Vì sao?")
    with pytest.raises(PermissionDenied):
        comments.resolve_comment(comment=remark, user=tree.province_reviewer)
    comments.resolve_comment(comment=remark, user=tree.district_reviewer)
    with pytest.raises(ValidationError, match="đã được đánh dấu"):
        comments.resolve_comment(comment=remark, user=tree.editor)


def test_resolving_an_answer_resolves_its_thread(tree):
    remark = comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Vì sao?")
    answer = comments.answer_comment(comment=remark, user=tree.editor, text="Vì …")
    comments.resolve_comment(comment=answer, user=tree.editor)
    remark.refresh_from_db()
    assert remark.is_resolved


def test_comments_of_an_issued_plan_are_read_only(tree):
    remark = comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Vì sao?")
    approved_on(workflow.approve_plan(plan=tree.plan, user=tree.district_reviewer), date(2024, 1, 20))
    workflow.issue_plan(plan=tree.plan, user=tree.signer, issued_on=date(2024, 1, 23))
    with pytest.raises(ValidationError, match="đã ban hành"):
        comments.answer_comment(comment=remark, user=tree.editor, text="Vì …")
    with pytest.raises(ValidationError, match="đã ban hành"):
        comments.resolve_comment(comment=remark, user=tree.editor)
    rights = comments.rights(tree.editor, tree.plan)
    assert not rights.can_answer and not rights.can_resolve(remark)


def test_a_comment_outlives_its_deleted_row(tree, row):
    TaskFactory(section=row.section)  # the plan keeps a row
    remark = comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Bỏ dòng này.", task=row)
    row.delete()
    remark.refresh_from_db()
    assert remark.task is None and remark.task_label.startswith("I.")


def test_rights_are_computed_per_user(tree):
    reviewer = comments.rights(tree.district_reviewer, tree.plan)
    editor = comments.rights(tree.editor, tree.plan)
    assert (reviewer.can_comment, reviewer.can_answer, reviewer.is_editor) == (True, True, False)
    assert (editor.can_comment, editor.can_answer, editor.is_editor) == (False, True, True)
