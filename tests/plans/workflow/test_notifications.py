"""Who hears about each step, in the inbox and by e-mail; unread counts and marking read."""

from datetime import date

import pytest
from django.core import mail

from orgs.models import Membership
from plans.models import Notification
from plans.workflow import comments, notifications
from plans.workflow import services as workflow
from tests.factories import approved_on, member

pytestmark = pytest.mark.django_db

Role = Membership.Role


def inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("verb", flat=True))


def recipients_of(verb):
    return {n.recipient.username for n in Notification.objects.filter(verb=verb).select_related("recipient")}


def test_a_submit_tells_the_district_reviewers_in_the_inbox_and_by_mail(tree, django_capture_on_commit_callbacks):
    second = member(tree.district, Role.REVIEWER, email="second@huyen.example")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_plan(plan=tree.plan, user=tree.editor)

    assert recipients_of("submitted") == {tree.district_reviewer.username, second.username}
    assert inbox(tree.province_reviewer) == [] and inbox(tree.commune_reviewer) == []
    note = Notification.objects.filter(recipient=tree.district_reviewer).get()
    assert note.text == "Công chức Xã đã gửi Kế hoạch năm 2024 – Xã An Thử để thẩm định."
    assert (note.actor, note.plan, note.read_at) == (tree.editor, tree.plan, None)
    assert sorted(m.to[0] for m in mail.outbox) == ["reviewer@huyen.example", "second@huyen.example"]
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees the others' addresses
    assert mail.outbox[0].subject.startswith("[Cổng KSTTHC] Công chức Xã đã gửi")
    assert f"/ke-hoach/{tree.plan.pk}/y-kien/" in mail.outbox[0].body


def test_where_the_district_has_no_reviewer_the_province_reviewers_are_told(tree):
    Membership.objects.filter(unit=tree.district, role=Role.REVIEWER).delete()
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    assert recipients_of("submitted") == {tree.province_reviewer.username}


def test_a_later_revision_is_named_as_such(tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    approved_on(workflow.approve_plan(plan=tree.plan, user=tree.district_reviewer), date(2024, 1, 20))
    workflow.issue_plan(plan=tree.plan, user=tree.signer, issued_on=date(2024, 1, 23))
    revision = workflow.new_revision(plan=tree.plan, user=tree.editor)
    workflow.submit_plan(plan=revision, user=tree.editor)
    newest = Notification.objects.filter(recipient=tree.district_reviewer).first()
    assert newest.text.endswith("Kế hoạch năm 2024 – Xã An Thử (lần ban hành 2) để thẩm định.")


def test_a_resubmission_says_so(tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    workflow.return_plan(plan=tree.plan, user=tree.district_reviewer, comment="Sửa.")
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    assert (
        Notification.objects.filter(recipient=tree.district_reviewer).first().text.startswith("Công chức Xã đã gửi lại")
    )


def test_a_return_tells_the_communes_editors_with_the_comment(tree, django_capture_on_commit_callbacks):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_plan(plan=tree.plan, user=tree.district_reviewer, comment="Bổ sung thời hạn.")

    assert recipients_of("returned") == {tree.editor.username}
    assert Notification.objects.get(verb="returned").text.endswith(": Bổ sung thời hạn.")
    assert [m.to for m in mail.outbox] == [["editor@xa.example"]]


def test_an_approval_tells_the_editors_and_the_signer_who_issues_next(tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    workflow.approve_plan(plan=tree.plan, user=tree.district_reviewer)
    assert recipients_of("approved") == {tree.editor.username, tree.signer.username}


def test_an_issue_tells_the_editors_the_reviewers_and_the_approver(tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    approved_on(workflow.approve_plan(plan=tree.plan, user=tree.province_reviewer), date(2024, 1, 20))
    workflow.issue_plan(plan=tree.plan, user=tree.signer, issued_on=date(2024, 1, 23))
    assert recipients_of("issued") == {
        tree.editor.username,
        tree.district_reviewer.username,
        tree.province_reviewer.username,
    }
    assert "Quyết định số 01/QĐ-UBND ngày 23/01/2024" in Notification.objects.filter(verb="issued").first().text


def test_a_reopen_tells_the_editors_and_signers_with_the_reason(tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    workflow.approve_plan(plan=tree.plan, user=tree.district_reviewer)
    workflow.reopen_plan(plan=tree.plan, user=tree.district_reviewer, reason="Sai căn cứ.")
    assert recipients_of("reopened") == {tree.editor.username, tree.signer.username}
    assert Notification.objects.filter(verb="reopened").first().text.endswith("Sai căn cứ.")


def test_the_actor_and_inactive_users_are_not_told(tree):
    editor_and_reviewer = member(tree.district, Role.REVIEWER)
    Membership.objects.create(user=editor_and_reviewer, unit=tree.commune, role=Role.EDITOR)
    gone = member(tree.district, Role.REVIEWER, is_active=False)
    workflow.submit_plan(plan=tree.plan, user=editor_and_reviewer)
    assert editor_and_reviewer.username not in recipients_of("submitted")
    assert gone.username not in recipients_of("submitted")


def test_users_without_an_address_get_the_inbox_line_only(tree, django_capture_on_commit_callbacks):
    tree.district_reviewer.email = ""
    tree.district_reviewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_plan(plan=tree.plan, user=tree.editor)
    assert inbox(tree.district_reviewer) == ["submitted"]
    assert mail.outbox == []


def test_mail_leaves_only_after_the_step_commits(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.submit_plan(plan=tree.plan, user=tree.editor)
    assert mail.outbox == [] and len(callbacks) == 1


def test_a_mail_server_that_is_down_does_not_undo_the_step(tree, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_plan(plan=tree.plan, user=tree.editor)
    tree.plan.refresh_from_db()
    assert tree.plan.status == "submitted"
    assert inbox(tree.district_reviewer) == ["submitted"]


def test_an_answer_tells_the_threads_other_participants_without_mail(tree, django_capture_on_commit_callbacks):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    remark = comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Thiếu sản phẩm.")
    assert recipients_of("commented") == set()  # a new remark alone tells nobody: the return does
    with django_capture_on_commit_callbacks(execute=True):
        comments.answer_comment(comment=remark, user=tree.editor, text="Đã bổ sung.")
    assert recipients_of("commented") == {tree.district_reviewer.username}
    assert "Đã bổ sung." in Notification.objects.get(verb="commented").text
    assert mail.outbox == []


def test_unread_count_mark_read_and_mark_all_read(tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    workflow.return_plan(plan=tree.plan, user=tree.district_reviewer, comment="Sửa.")
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    reviewer = tree.district_reviewer
    assert notifications.unread_count(reviewer) == 2

    newest = notifications.inbox_for(reviewer).first()
    assert newest.text.startswith("Công chức Xã đã gửi lại")
    notifications.mark_read(notification=newest, user=reviewer)
    assert notifications.unread_count(reviewer) == 1
    with pytest.raises(ValueError):
        notifications.mark_read(notification=newest, user=tree.editor)

    assert notifications.mark_all_read(user=reviewer) == 1
    assert notifications.unread_count(reviewer) == 0
    assert notifications.unread_count(tree.editor) == 1  # the return


def test_a_mail_that_could_not_leave_stays_in_the_outbox_for_the_retry(
    tree, settings, django_capture_on_commit_callbacks
):
    from orgs.mail import unsent
    from orgs.models import OutgoingEmail

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_plan(plan=tree.plan, user=tree.editor)
    message = OutgoingEmail.objects.get(to="reviewer@huyen.example")
    assert message.state == OutgoingEmail.State.FAILED and message.attempts >= 1 and message.error
    assert message in unsent()


def test_workflow_mail_is_sent_through_the_outbox(tree, django_capture_on_commit_callbacks):
    from orgs.models import OutgoingEmail

    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_plan(plan=tree.plan, user=tree.editor)
    sent = OutgoingEmail.objects.get(to="reviewer@huyen.example")
    assert sent.state == OutgoingEmail.State.SENT and sent.sent_at is not None
    assert [m.to for m in mail.outbox] == [["reviewer@huyen.example"]]
