import pytest
from django.urls import reverse

from plans.models import Plan, PlanPdf
from tests.factories import log_in
from tthc_portal.jobs import JobState

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, le_loi_plan):
    response = client.get(reverse("plans:detail", args=[le_loi_plan.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_login_page_is_in_vietnamese(client, db):
    response = client.get(reverse("login"))
    assert "Đăng nhập" in response.content.decode()


def test_logging_in_with_the_demo_password_opens_the_plan_list(client, seed, settings):
    response = client.post(
        reverse("login"), {"username": "le-loi-editor", "password": settings.DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("plans:list")
    assert "Xã Lê Lợi" in response.content.decode()


def test_the_plan_list_shows_only_the_users_unit(client, seed):
    log_in(client, "le-loi-editor")
    body = client.get(reverse("plans:list")).content.decode()
    assert "Xã Lê Lợi" in body
    assert "Xã Hà Tân" not in body


def test_a_district_reviewer_lists_the_communes_below(client, seed):
    log_in(client, "gia-loc-reviewer")
    body = client.get(reverse("plans:list")).content.decode()
    assert "Xã Lê Lợi" in body and "Xã Hà Tân" not in body


def test_another_communes_plan_is_not_found(client, seed):
    log_in(client, "ha-tan-editor")
    plan = Plan.objects.get(unit__slug="le-loi")
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404
    assert client.post(reverse("plans:pdf_request", args=[plan.pk])).status_code == 404


def test_the_plan_page_shows_the_decision_and_each_deadlines_meaning(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    body = client.get(reverse("plans:detail", args=[le_loi_plan.pk])).content.decode()
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ LÊ LỢI" in body
    assert "Quý II/2024" in body
    assert "→ hạn 30/06/2024" in body


def test_requesting_the_pdf_queues_the_job_and_shows_its_state(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    response = client.post(reverse("plans:pdf_request", args=[le_loi_plan.pk]), headers={"HX-Request": "true"})
    assert PlanPdf.objects.get(plan=le_loi_plan).state == JobState.QUEUED  # the job starts once the request commits
    assert "bản PDF đang được tạo" in response.content.decode()


def test_requesting_the_pdf_renders_it_and_offers_the_download(client, le_loi_plan, django_capture_on_commit_callbacks):
    log_in(client, "le-loi-editor")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("plans:pdf_request", args=[le_loi_plan.pk]), headers={"HX-Request": "true"})
    job = PlanPdf.objects.get(plan=le_loi_plan)
    assert job.state == JobState.DONE
    assert "Tải về PDF" in client.get(reverse("plans:pdf_status", args=[le_loi_plan.pk])).content.decode()
    download = client.get(reverse("plans:pdf_download", args=[le_loi_plan.pk, job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_requesting_the_pdf_again_reuses_the_rendered_version(client, le_loi_plan, django_capture_on_commit_callbacks):
    log_in(client, "le-loi-editor")
    url = reverse("plans:pdf_request", args=[le_loi_plan.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    job = PlanPdf.objects.get(plan=le_loi_plan)
    assert job.attempts == 1


def test_a_failed_render_shows_its_reason_and_a_retry(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    PlanPdf.objects.create(
        plan=le_loi_plan, plan_version=le_loi_plan.version, state=JobState.FAILED, error="Không tạo được PDF: lỗi thử"
    )
    body = client.get(reverse("plans:detail", args=[le_loi_plan.pk])).content.decode()
    assert "Không tạo được PDF: lỗi thử" in body
    assert "Thử lại" in body


def test_retrying_a_failed_render_renders_again(client, le_loi_plan, django_capture_on_commit_callbacks):
    log_in(client, "le-loi-editor")
    PlanPdf.objects.create(plan=le_loi_plan, plan_version=le_loi_plan.version, state=JobState.FAILED, error="lỗi")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("plans:pdf_request", args=[le_loi_plan.pk]))
    job = PlanPdf.objects.get(plan=le_loi_plan)
    assert job.state == JobState.DONE and job.error == ""


def test_a_render_that_raises_is_recorded_as_failed(
    client, le_loi_plan, monkeypatch, django_capture_on_commit_callbacks
):
    import plans.pdf.services

    def broken(plan):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(plans.pdf.services, "build_plan_pdf", broken)
    log_in(client, "le-loi-editor")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("plans:pdf_request", args=[le_loi_plan.pk]))
    job = PlanPdf.objects.get(plan=le_loi_plan)
    assert job.state == JobState.FAILED
    assert "lỗi hệ thống" in job.error and "hỏng" not in job.error  # details go to the log


def test_the_status_fragment_polls_while_the_job_is_queued(client, le_loi_plan):
    log_in(client, "le-loi-editor")
    PlanPdf.objects.create(plan=le_loi_plan, plan_version=le_loi_plan.version, state=JobState.QUEUED)
    body = client.get(reverse("plans:pdf_status", args=[le_loi_plan.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "Đang chờ xử lý" in body


def test_a_job_lost_with_its_worker_can_be_requested_again(client, le_loi_plan, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    log_in(client, "le-loi-editor")
    PlanPdf.objects.create(
        plan=le_loi_plan,
        plan_version=le_loi_plan.version,
        state=JobState.RUNNING,
        started_at=timezone.now() - timedelta(hours=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("plans:pdf_request", args=[le_loi_plan.pk]))
    assert PlanPdf.objects.get(plan=le_loi_plan).state == JobState.DONE


def test_a_plan_changed_before_its_render_starts_is_not_rendered_as_the_new_version(le_loi_plan):
    from plans.pdf.services import render_plan_pdf_now

    old_version = le_loi_plan.version
    le_loi_plan.mark_changed()
    job = render_plan_pdf_now(plan_id=le_loi_plan.pk, version=old_version)
    assert job.state == JobState.FAILED and "đã thay đổi" in job.error
    assert not PlanPdf.objects.filter(plan=le_loi_plan, plan_version=le_loi_plan.version).exists()


def test_a_broker_that_refuses_the_job_fails_it_with_a_message(
    client, le_loi_plan, monkeypatch, django_capture_on_commit_callbacks
):
    from plans import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.render_plan_pdf, "delay", refuse)
    log_in(client, "le-loi-editor")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("plans:pdf_request", args=[le_loi_plan.pk]))
    job = PlanPdf.objects.get(plan=le_loi_plan)
    assert job.state == JobState.FAILED and "hàng đợi" in job.error


def test_a_plan_without_its_decision_still_shows_its_table(client, le_loi_plan):
    le_loi_plan.decision.delete()
    log_in(client, "le-loi-editor")
    response = client.get(reverse("plans:detail", args=[le_loi_plan.pk]))
    assert response.status_code == 200
    assert "chưa có văn bản ban hành" in response.content.decode()


# --- the plan page keeps its document per plan version ---------------------------------------------


def test_an_edited_row_shows_on_the_plan_page_at_once(client, tree):
    from plans.editing import services as editing
    from tasks.models import Task

    log_in(client, tree.editor)
    page = reverse("plans:detail", args=[tree.plan.pk])
    assert "Nội dung đã sửa" not in client.get(page).content.decode()  # the document is now kept
    task = Task.objects.get(section__plan=tree.plan)
    editing.update_task(task=task, data={"content": "Nội dung đã sửa"}, user=tree.editor)
    assert "Nội dung đã sửa" in client.get(page).content.decode()


def test_each_viewer_sees_the_rows_comments_with_their_own_rights(client, tree):
    from plans.workflow import comments
    from plans.workflow import services as workflow
    from tasks.models import Task

    workflow.submit_plan(plan=tree.plan, user=tree.editor)
    row = Task.objects.get(section__plan=tree.plan)
    comments.add_comment(plan=tree.plan, user=tree.district_reviewer, text="Ghi rõ sản phẩm.", task=row)
    page = reverse("plans:detail", args=[tree.plan.pk])

    def row_html(user):
        body = log_in(client, user).get(page).content.decode()
        block = body[body.index(f'id="comments-task-{row.pk}"') :]
        return block[: block.index("</td>")]

    reviewer, editor = row_html(tree.district_reviewer), row_html(tree.editor)
    assert "Ghi rõ sản phẩm." in reviewer and "Góp ý dòng này" in reviewer
    assert "Ghi rõ sản phẩm." in editor and "Góp ý dòng này" not in editor and "Trả lời" in editor
