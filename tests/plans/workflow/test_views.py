"""The workflow's endpoints, the review page, the fragments' template tags and the inbox."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from plans.context_processors import inbox
from plans.models import Decision, Notification, Plan, PlanComment
from plans.workflow import comments
from plans.workflow import services as workflow
from tasks.models import Task
from tests.factories import TaskFactory, approved_on, log_in

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
STEPS = ["submit", "return", "approve", "issue", "reopen", "new_revision"]


def url(name, plan, *args):
    return reverse(f"plans:{name}", args=[plan.pk, *args])


def status(plan):
    return Plan.objects.get(pk=plan.pk).status


# --- steps ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("step", STEPS)
def test_steps_are_post_only(client, tree, step):
    assert log_in(client, tree.editor).get(url(step, tree.plan)).status_code == 405


@pytest.mark.parametrize("step", [*STEPS, "comment_add"])
def test_a_plan_the_user_may_not_see_is_not_found(client, tree, step):
    response = log_in(client, tree.other_editor).post(
        url(step, tree.plan), {"comment": "x", "reason": "x", "text": "x"}
    )
    assert response.status_code == 404


def test_the_review_page_of_a_plan_the_user_may_not_see_is_not_found(client, tree):
    assert log_in(client, tree.other_reviewer).get(url("comments", tree.plan)).status_code == 404


def test_submitting_redirects_back_with_a_message(client, tree):
    page = url("comments", tree.plan)
    response = log_in(client, tree.editor).post(url("submit", tree.plan), {"next": page}, follow=True)
    assert response.redirect_chain == [(page, 302)]
    assert status(tree.plan) == "submitted"
    assert "Đã gửi kế hoạch đi thẩm định" in response.content.decode()


def test_a_next_address_on_another_site_is_ignored(client, tree):
    response = log_in(client, tree.editor).post(url("submit", tree.plan), {"next": "https://evil.example/"})
    assert response.url == url("comments", tree.plan)


def test_a_step_through_htmx_answers_with_a_client_redirect(client, tree):
    response = log_in(client, tree.editor).post(url("submit", tree.plan), {"next": url("detail", tree.plan)}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("detail", tree.plan)


def test_a_refused_step_through_htmx_comes_back_in_the_fragment_with_the_input_kept(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    response = log_in(client, tree.district_reviewer).post(url("return", tree.plan), {"comment": "  "}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert 'id="workflow-actions"' in body and "Hãy ghi lý do trả lại" in body
    assert status(tree.plan) == "submitted"


def test_a_refused_step_without_htmx_redirects_with_the_reason(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    response = log_in(client, tree.district_reviewer).post(url("return", tree.plan), {"comment": ""}, follow=True)
    assert "Hãy ghi lý do trả lại" in response.content.decode()


def test_a_step_the_user_may_not_take_is_forbidden(client, tree):
    response = log_in(client, tree.signer).post(url("submit", tree.plan))
    assert response.status_code == 403
    assert status(tree.plan) == "draft"


def test_the_whole_loop_through_the_endpoints(client, tree):
    log_in(client, tree.editor).post(url("submit", tree.plan))
    log_in(client, tree.district_reviewer).post(url("return", tree.plan), {"comment": "Sửa dòng 1."})
    assert status(tree.plan) == "returned"
    log_in(client, tree.editor).post(url("submit", tree.plan))
    log_in(client, tree.district_reviewer).post(url("approve", tree.plan), {"comment": ""})
    assert status(tree.plan) == "approved"
    log_in(client, tree.district_reviewer).post(url("reopen", tree.plan), {"reason": "Sai căn cứ."})
    assert status(tree.plan) == "returned"
    log_in(client, tree.editor).post(url("submit", tree.plan))
    log_in(client, tree.district_reviewer).post(url("approve", tree.plan))
    approved_on(tree.plan, date(2024, 1, 20))
    response = log_in(client, tree.signer).post(
        url("issue", tree.plan), {"number": "7", "issued_on": "23/01/2024"}, follow=True
    )
    assert status(tree.plan) == "issued"
    assert "Đã ban hành: Quyết định số 07/QĐ-UBND ngày 23/01/2024." in response.content.decode()
    assert Decision.objects.get(plan=tree.plan).number == 7
    response = log_in(client, tree.editor).post(url("new_revision", tree.plan))
    revision = Plan.objects.get(unit=tree.commune, year=2024, revision=2)
    assert response.url == url("detail", revision)


def test_an_issue_with_a_taken_number_shows_the_reason_and_keeps_the_date(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    approved_on(workflow.approve_plan(plan=tree.plan, user=tree.district_reviewer), date(2024, 1, 20))
    workflow.issue_plan(plan=tree.plan, user=tree.signer, issued_on=date(2024, 1, 23))
    revision = workflow.new_revision(plan=tree.plan, user=tree.editor)
    workflow.submit_plan(plan=revision, user=tree.editor)
    approved_on(workflow.approve_plan(plan=revision, user=tree.district_reviewer), date(2024, 4, 20))

    response = log_in(client, tree.signer).post(
        url("issue", revision), {"number": "1", "issued_on": "2024-05-02"}, **HTMX
    )

    body = response.content.decode()
    assert "đã dùng cho Kế hoạch năm 2024" in body and "Số tiếp theo còn trống: 02" in body
    assert 'value="2024-05-02"' in body and 'value="1"' in body
    assert status(revision) == "approved"


# --- the review page and the fragments --------------------------------------------------------------


def test_the_review_page_offers_the_reviewer_return_approve_and_a_comment_form_per_row(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    body = log_in(client, tree.district_reviewer).get(url("comments", tree.plan)).content.decode()
    assert "Phê duyệt</button>" in body and "Trả lại cho đơn vị" in body
    assert "Gửi thẩm định" not in body
    row = Task.objects.get(section__plan=tree.plan)
    assert f'name="task" value="{row.pk}"' in body and "Thêm ý kiến chung" in body
    assert "Lịch sử thẩm định" in body and "Đã gửi thẩm định" in body


def test_the_editor_sees_the_comments_beside_the_rows_with_answer_and_resolve(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    row = Task.objects.get(section__plan=tree.plan)
    comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Ghi rõ thời hạn.", task=row)
    workflow.return_plan(plan=tree.plan, user=tree.district_reviewer, comment="Xem ý kiến.")

    body = log_in(client, tree.editor).get(url("comments", tree.plan)).content.decode()

    row_html = body[body.index(f'id="row-{row.pk}"') :]
    row_html = row_html[: row_html.index("</tr>")]
    assert "Ghi rõ thời hạn." in row_html and "Đánh dấu đã xử lý" in row_html and "Trả lời" in row_html
    assert "Gửi thẩm định lại" in body and "Góp ý dòng này" not in body


def test_the_review_page_reads_comments_once_whatever_the_number_of_rows(client, tree, django_assert_max_num_queries):
    row = Task.objects.get(section__plan=tree.plan)
    for _ in range(30):
        TaskFactory(section=row.section)
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    for task in Task.objects.filter(section__plan=tree.plan)[:10]:
        comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Ý kiến.", task=task)
    log_in(client, tree.district_reviewer)
    with django_assert_max_num_queries(30):
        assert client.get(url("comments", tree.plan)).status_code == 200


def test_the_template_tags_render_the_fragments_in_one_line_each(tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    row = Task.objects.get(section__plan=tree.plan)
    comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Dòng này thiếu.", task=row)
    request = RequestFactory().get(url("detail", tree.plan))
    request.user = tree.district_reviewer
    html = Template(
        "{% load workflow_tags %}{% workflow_actions plan %}{% status_history plan %}{% row_comments plan task "
        "%}{% row_comments plan %}"
    ).render(Context({"request": request, "plan": tree.plan, "task": row, "csrf_token": "tok"}))
    assert 'id="workflow-actions"' in html and "Phê duyệt" in html
    assert 'name="next" value="/ke-hoach/' in html
    assert "Lịch sử thẩm định" in html and "Dòng này thiếu." in html
    assert f'id="comments-task-{row.pk}"' in html and f'id="comments-plan-{tree.plan.pk}"' in html


def test_a_reviewer_blocked_by_four_eyes_is_told_why(client, tree):
    from orgs.models import Membership

    Membership.objects.create(user=tree.district_reviewer, unit=tree.commune, role=Membership.Role.SIGNER)
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    body = log_in(client, tree.district_reviewer).get(url("comments", tree.plan)).content.decode()
    assert "nguyên tắc hai người" in body and "Phê duyệt</button>" not in body


# --- comments through the endpoints ---------------------------------------------------------------


def test_adding_a_row_comment_through_htmx_answers_with_the_rows_comments(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    row = Task.objects.get(section__plan=tree.plan)
    response = log_in(client, tree.district_reviewer).post(
        url("comment_add", tree.plan), {"text": "Ghi rõ thời hạn.", "task": row.pk}, **HTMX
    )
    body = response.content.decode()
    assert f'id="comments-task-{row.pk}"' in body and "Ghi rõ thời hạn." in body
    assert PlanComment.objects.get().task == row


def test_a_comment_on_a_row_of_another_plan_is_refused(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    foreign = TaskFactory()
    response = log_in(client, tree.district_reviewer).post(
        url("comment_add", tree.plan), {"text": "x", "task": foreign.pk}, **HTMX
    )
    assert "không thuộc kế hoạch" in response.content.decode()
    assert not PlanComment.objects.exists()


def test_an_editor_may_not_add_a_comment(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    assert log_in(client, tree.editor).post(url("comment_add", tree.plan), {"text": "x"}).status_code == 403


def test_answer_and_resolve_through_htmx_answer_with_the_thread(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    remark = comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Vì sao?")
    log_in(client, tree.editor)

    answered = client.post(
        url("comment_answer", tree.plan, remark.pk), {"text": "Vì quy định."}, **HTMX
    ).content.decode()
    resolved = client.post(url("comment_resolve", tree.plan, remark.pk), **HTMX).content.decode()

    assert f'id="comment-{remark.pk}"' in answered and "Vì quy định." in answered
    assert "Đã xử lý" in resolved and "Đánh dấu đã xử lý" not in resolved


def test_on_the_review_page_the_open_count_is_refreshed_out_of_band(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    first = comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Một.")
    second = comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Hai.")
    log_in(client, tree.editor)
    on_review = {**HTMX, "HTTP_HX_CURRENT_URL": f"http://testserver{url('comments', tree.plan)}"}
    on_detail = {**HTMX, "HTTP_HX_CURRENT_URL": f"http://testserver{url('detail', tree.plan)}"}

    body = client.post(url("comment_resolve", tree.plan, first.pk), **on_review).content.decode()
    assert 'id="wf-open-count" hx-swap-oob="true">1 ý kiến chưa xử lý' in body
    body = client.post(url("comment_resolve", tree.plan, second.pk), **on_detail).content.decode()
    assert "wf-open-count" not in body  # the plan page has no count to refresh


def test_a_comment_of_another_plan_is_not_found(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    remark = comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Vì sao?")
    other = Plan.objects.create(unit=tree.commune, year=2030)
    response = log_in(client, tree.editor).post(url("comment_resolve", other, remark.pk))
    assert response.status_code == 404


# --- the inbox ------------------------------------------------------------------------------------


def test_the_top_bar_shows_the_unread_count_and_the_inbox_lists_newest_first(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    workflow.return_plan(plan=tree.plan, user=tree.district_reviewer, comment="Sửa dòng 1.")
    workflow.submit_plan(plan=tree.plan, user=tree.editor)

    body = log_in(client, tree.district_reviewer).get(reverse("plans:inbox")).content.decode()

    assert 'Hộp thư (<strong class="unread-count">2</strong>)' in body
    assert body.index("đã gửi lại") < body.index("đã gửi Kế hoạch")
    assert "Đánh dấu đã đọc tất cả" in body


def test_opening_a_notification_marks_it_read_and_leads_to_the_plan(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    note = Notification.objects.get(recipient=tree.district_reviewer)
    response = log_in(client, tree.district_reviewer).get(reverse("plans:inbox_open", args=[note.pk]))
    assert response.url == url("comments", tree.plan)
    note.refresh_from_db()
    assert note.is_read
    assert "Hộp thư (" not in client.get(reverse("plans:inbox")).content.decode()


def test_someone_elses_notification_is_not_found(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    note = Notification.objects.get(recipient=tree.district_reviewer)
    assert log_in(client, tree.province_reviewer).get(reverse("plans:inbox_open", args=[note.pk])).status_code == 404


def test_mark_all_read(client, tree):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    response = log_in(client, tree.district_reviewer).post(reverse("plans:inbox_read_all"), follow=True)
    assert "Đã đánh dấu đã đọc 1 thông báo." in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_an_anonymous_visitor_has_no_unread_count(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    assert inbox(request) == {"unread_count": 0, "is_reviewer": False, "can_read_audit_log": False}


def test_the_unread_count_is_counted_only_when_a_template_shows_it(rf, tree, django_assert_num_queries):
    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    request = rf.get("/")
    request.user = tree.district_reviewer
    with django_assert_num_queries(0):
        context = inbox(request)
    with django_assert_num_queries(1):
        assert str(context["unread_count"]) == "1"
