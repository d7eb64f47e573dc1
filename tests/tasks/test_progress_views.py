"""The progress sheet pages and their htmx fragments."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orgs.models import User
from periods.models import ReportingPeriod
from plans.models import Plan
from tasks.models import ProgressEvidence, TaskProgress
from tasks.progress import period_sheet, record_progress
from tests.factories import log_in, pdf_bytes

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = pdf_bytes()


@pytest.fixture
def plan(seed):
    return Plan.objects.get(unit__slug="thanh-thuy", year=2023)


def _task(plan, key, code="9M"):
    period = ReportingPeriod.objects.get(code=code)
    return next(row.task for row in period_sheet(plan=plan, period=period).rows if row.key == key)


def _url(name, plan, code="9M", task=None):
    args = [plan.pk, code] + ([task.pk] if task else [])
    return reverse(f"progress:{name}", args=args)


def _progress(task, code="9M"):
    return TaskProgress.objects.get(task=task, period__code=code)


# --- the page --------------------------------------------------------------------------------------


def test_the_sheet_shows_the_result_column_the_tally_and_a_status_select_per_leaf_row(client, plan):
    log_in(client, "thanh-thuy-editor")

    body = client.get(_url("sheet", plan)).content.decode()

    assert "Kết quả thực hiện 9 tháng đầu năm 2023" in body
    assert re.search(r"Tổng nội dung công việc</dt><dd[^>]*>32<", body)
    assert re.search(r"Nội dung đã thực hiện trong 9 tháng đầu năm 2023</dt><dd[^>]*>29<", body)
    assert re.search(r"Tỷ lệ hoàn thành kế hoạch</dt><dd[^>]*>90.625%<", body)
    assert body.count('class="status-select') == 32
    assert "Đã thực hiện: - Báo cáo số 46/BC-UBND ngày" in body
    assert "Lấy kết quả kỳ trước" in body
    for code in ("Q1", "Q2", "6M", "Q3", "9M", "Q4", "Y"):
        assert f'href="{_url("sheet", plan, code)}"' in body
    assert 'aria-current="page"' in body


def test_the_progress_link_opens_the_latest_period_with_results(client, plan):
    log_in(client, "thanh-thuy-editor")
    response = client.get(reverse("progress:plan", args=[plan.pk]))
    assert response.status_code == 302 and response.url == _url("sheet", plan, "9M")


def test_a_period_code_is_read_in_any_case_and_an_unknown_one_is_not_found(client, plan):
    log_in(client, "thanh-thuy-editor")
    assert client.get(_url("sheet", plan, "9m")).status_code == 200
    assert client.get(_url("sheet", plan, "Q9")).status_code == 404


def test_another_communes_plan_is_not_found(client, plan):
    log_in(client, "le-loi-editor")
    task = _task(plan, "II.5")
    assert client.get(_url("sheet", plan)).status_code == 404
    assert client.post(_url("row_save", plan, task=task), {"status": "done", "result_text": "x"}).status_code == 404
    assert _progress(task).status == "not_started"


def test_an_anonymous_visitor_is_sent_to_log_in(client, plan):
    response = client.get(_url("sheet", plan))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_reviewer_above_reads_the_sheet_without_the_editing_controls(client, plan):
    log_in(client, "huyen-chua-ro-reviewer")

    body = client.get(_url("sheet", plan)).content.decode()

    assert "90.625%" in body
    assert 'class="status-select' not in body and "Lấy kết quả kỳ trước" not in body
    assert "chỉ đọc" in body


@pytest.mark.parametrize("username", ["huyen-chua-ro-reviewer", "thanh-thuy-signer"])
def test_only_the_communes_editor_or_admin_may_write(client, plan, username):
    log_in(client, username)
    task = _task(plan, "II.5")

    edit = client.get(_url("row_edit", plan, task=task), **HTMX)
    save = client.post(_url("row_save", plan, task=task), {"status": "done", "result_text": "x"})
    carry = client.post(_url("carry_forward", plan, "Y"))

    assert (edit.status_code, save.status_code, carry.status_code) == (403, 403, 403)
    assert "không có quyền cập nhật tiến độ" in save.content.decode()
    assert "Không có quyền thực hiện" in save.content.decode()  # the full 403 page
    assert _progress(task).status == "not_started"
    assert not TaskProgress.objects.filter(period__code="Y").exists()


def test_the_communes_admin_may_write(client, plan):
    log_in(client, "thanh-thuy-admin")
    task = _task(plan, "II.5")
    response = client.post(
        _url("row_save", plan, task=task), {"status": "in_progress", "result_text": "Đã lập đoàn"}, **HTMX
    )
    assert response.status_code == 200 and _progress(task).status == "in_progress"


def test_progress_is_recorded_on_an_issued_plan(client, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ISSUED)
    log_in(client, "thanh-thuy-editor")
    task = _task(plan, "II.5")
    client.post(_url("row_save", plan, task=task), {"status": "in_progress", "result_text": "Đã lập đoàn"}, **HTMX)
    assert _progress(task).status == "in_progress"


# --- one row ---------------------------------------------------------------------------------------


def test_the_inline_form_opens_with_the_status_picked_in_the_row_and_the_saved_text(client, plan):
    log_in(client, "thanh-thuy-editor")
    task = _task(plan, "II.6")

    body = client.get(_url("row_edit", plan, task=task), {"status": "in_progress"}, **HTMX).content.decode()

    assert body.lstrip().startswith(f'<tr id="row-{task.pk}"')
    assert re.search(r'<option value="in_progress" selected>', body)
    assert "- Chưa thực hiện, chờ huyện</textarea>" in body
    assert re.search(r"<textarea[^>]*autofocus", body)
    assert f'for="p{task.pk}-id_result_text"' not in body  # ids are per row
    assert f'id="p{task.pk}-result_text"' in body


def test_a_row_with_sub_items_has_no_form(client, plan):
    log_in(client, "thanh-thuy-editor")
    assert client.get(_url("row_edit", plan, task=_task(plan, "II.1")), **HTMX).status_code == 404
    assert (
        client.post(
            _url("row_save", plan, task=_task(plan, "II.1")), {"status": "done", "result_text": "x"}, **HTMX
        ).status_code
        == 404
    )


def test_saving_a_row_answers_with_the_row_and_the_tally_and_tabs_out_of_band(client, plan):
    log_in(client, "thanh-thuy-editor")
    task = _task(plan, "II.5")

    response = client.post(
        _url("row_save", plan, task=task),
        {"status": "in_progress", "result_text": "Đã thành lập đoàn kiểm tra"},
        **HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="row-{task.pk}"')
    assert "Đã thành lập đoàn kiểm tra" in body
    assert re.search(r'<template><section id="progress-tally"[^>]*hx-swap-oob="true"', body)
    assert re.search(r"Nội dung đã thực hiện trong 9 tháng đầu năm 2023</dt><dd[^>]*>30<", body)
    assert "93.75%" in body
    assert 'id="period-tabs"' in body and "Đã lưu kết quả dòng II.5." in body
    progress = _progress(task)
    assert (progress.status, progress.result_text, progress.updated_by.username) == (
        "in_progress",
        "Đã thành lập đoàn kiểm tra",
        "thanh-thuy-editor",
    )


def test_a_refused_save_keeps_the_users_input_and_shows_the_messages_by_the_fields(client, plan):
    log_in(client, "thanh-thuy-editor")
    task = _task(plan, "II.5")
    data = {
        "status": "done",
        "result_text": "",
        "evidence_title": "về kiểm tra công vụ",
        "evidence_issued_on": "01/09/2023",
    }

    response = client.post(_url("row_save", plan, task=task), data, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Nội dung đã thực hiện cần ghi kết quả" in body
    assert "Ghi số/ký hiệu của văn bản" in body
    assert 'value="về kiểm tra công vụ"' in body and 'value="01/09/2023"' in body
    assert re.search(r'<option value="done" selected>', body)
    assert _progress(task).status == "not_started"
    assert not ProgressEvidence.objects.exists()


def test_a_refused_save_asks_to_choose_the_file_again(client, plan):
    log_in(client, "thanh-thuy-editor")
    task = _task(plan, "II.5")
    upload = SimpleUploadedFile("kiem-tra.pdf", PDF, content_type="application/pdf")

    body = client.post(
        _url("row_save", plan, task=task),
        {"status": "done", "result_text": "", "evidence_number": "5/QĐ", "evidence_file": upload},
        **HTMX,
    ).content.decode()

    assert "hãy chọn lại tệp" in body
    assert not ProgressEvidence.objects.exists()


def test_a_wrong_file_type_is_refused_next_to_the_file_field(client, plan):
    log_in(client, "thanh-thuy-editor")
    task = _task(plan, "II.5")
    upload = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf")
    body = client.post(
        _url("row_save", plan, task=task),
        {"status": "in_progress", "result_text": "x", "evidence_number": "5/QĐ", "evidence_file": upload},
        **HTMX,
    ).content.decode()
    assert re.search(r"field-evidence_file has-error.*Chỉ nhận tệp PDF", body, re.S)


def test_evidence_with_a_file_is_saved_shown_and_downloaded_by_those_who_see_the_plan(client, plan):
    log_in(client, "thanh-thuy-editor")
    task = _task(plan, "II.5")
    upload = SimpleUploadedFile("Quyết định kiểm tra.pdf", PDF, content_type="application/pdf")

    body = client.post(
        _url("row_save", plan, task=task),
        {
            "status": "in_progress",
            "result_text": "Đã lập đoàn",
            "evidence_number": "Số 12/QĐ-UBND",
            "evidence_issued_on": "10/08/2023",
            "evidence_title": "thành lập đoàn kiểm tra",
            "evidence_file": upload,
        },
        **HTMX,
    ).content.decode()

    document = ProgressEvidence.objects.get()
    assert "12/QĐ-UBND ngày 10/08/2023 – thành lập đoàn kiểm tra" in body
    link = reverse("progress:evidence_file", args=[plan.pk, document.pk])
    assert link in body and "Quyết định kiểm tra.pdf" in body
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF

    log_in(client, "huyen-chua-ro-reviewer")
    assert client.get(link).status_code == 200
    log_in(client, "le-loi-editor")
    assert client.get(link).status_code == 404


def test_save_and_add_another_document_answers_with_an_empty_form_again(client, plan):
    log_in(client, "thanh-thuy-editor")
    task = _task(plan, "II.5")

    body = client.post(
        _url("row_save", plan, task=task),
        {"status": "in_progress", "result_text": "Đã lập đoàn", "evidence_number": "12/QĐ-UBND", "then": "more"},
        **HTMX,
    ).content.decode()

    assert "✓ Đã lưu." in body and "<form" in body
    assert "12/QĐ-UBND" in body  # in the list of documents already recorded
    assert 'name="evidence_number" value' not in body  # the new-document fields are empty
    assert re.search(r'name="evidence_number"[^>]*autofocus|autofocus[^>]*name="evidence_number"', body)


def test_removing_a_document_answers_with_the_list_without_it(client, plan):
    log_in(client, "thanh-thuy-editor")
    task = _task(plan, "II.5")
    progress = record_progress(
        task=task,
        period=ReportingPeriod.objects.get(code="9M"),
        status="in_progress",
        result_text="x",
        user=User.objects.get(username="thanh-thuy-editor"),
        evidence=[
            {"number": "12/QĐ-UBND", "issued_on": None, "title": "", "file": None},
            {"number": "13/QĐ-UBND", "issued_on": None, "title": "", "file": None},
        ],
    )
    first = progress.evidence.first()
    before = progress.updated_at

    log_in(client, "huyen-chua-ro-reviewer")
    assert client.post(reverse("progress:evidence_remove", args=[plan.pk, first.pk]), **HTMX).status_code == 403
    log_in(client, "thanh-thuy-editor")
    body = client.post(reverse("progress:evidence_remove", args=[plan.pk, first.pk]), **HTMX).content.decode()

    assert f'id="evidence-{task.pk}"' in body and "Đã xóa văn bản 12/QĐ-UBND." in body
    assert [e.number for e in progress.evidence.all()] == ["13/QĐ-UBND"]
    progress.refresh_from_db()
    assert progress.updated_at > before


def test_cancel_puts_the_row_back_as_it_was(client, plan):
    log_in(client, "thanh-thuy-editor")
    task = _task(plan, "II.6")
    body = client.get(_url("row", plan, task=task), **HTMX).content.decode()
    assert "- Chưa thực hiện, chờ huyện" in body and "<form" not in body and "data-focus-here" in body


def test_without_javascript_the_form_opens_in_the_page_and_a_save_redirects_back(client, plan):
    log_in(client, "thanh-thuy-editor")
    task = _task(plan, "II.6")

    opened = client.get(_url("row_edit", plan, task=task))
    assert opened.status_code == 302 and f"?sua={task.pk}" in opened.url
    page = client.get(opened.url).content.decode()
    assert f'action="{_url("row_save", plan, task=task)}"' in page

    refused = client.post(_url("row_save", plan, task=task), {"status": "done", "result_text": ""})
    assert refused.status_code == 200 and "Nội dung đã thực hiện cần ghi kết quả" in refused.content.decode()

    saved = client.post(
        _url("row_save", plan, task=task), {"status": "done", "result_text": "Đã tham gia"}, follow=True
    )
    assert "Đã lưu kết quả dòng II.6." in saved.content.decode()
    assert _progress(task).status == "done"


# --- the period as a whole -------------------------------------------------------------------------


def test_carry_forward_fills_the_years_empty_rows_from_9_months(client, plan):
    log_in(client, "thanh-thuy-editor")
    empty = client.get(_url("sheet", plan, "Y")).content.decode()
    assert "Điền các dòng còn trống từ kỳ 9 tháng đầu năm" in empty
    assert re.search(r"Nội dung đã thực hiện trong năm 2023</dt><dd[^>]*>0<", empty)

    body = client.post(_url("carry_forward", plan, "Y"), **HTMX).content.decode()

    assert "Đã lấy kết quả kỳ trước cho 32 dòng còn trống" in body
    assert re.search(r"Nội dung đã thực hiện trong năm 2023</dt><dd[^>]*>29<", body)
    assert body.count("↻ Lấy từ kỳ 9 tháng đầu năm") == 32
    assert re.search(r'<nav id="period-tabs"[^>]*hx-swap-oob="true"', body)
    assert TaskProgress.objects.filter(period__code="Y").count() == 32


def test_carry_forward_without_javascript_redirects_with_a_message(client, plan):
    log_in(client, "thanh-thuy-editor")
    response = client.post(_url("carry_forward", plan, "Y"), follow=True)
    assert "Đã lấy kết quả kỳ trước cho 32 dòng" in response.content.decode()


def test_late_rows_are_listed_and_marked(client, plan):
    record_progress(
        task=_task(plan, "II.2 (3)"),
        period=ReportingPeriod.objects.get(code="9M"),
        status="in_progress",
        result_text="Đang tổng hợp",
        user=User.objects.get(username="thanh-thuy-editor"),
    )
    log_in(client, "thanh-thuy-editor")

    body = client.get(_url("sheet", plan)).content.decode()

    assert "Nội dung chậm (đến hạn trước ngày 14/09/2023 mà chưa xong)" in body
    assert re.search(r'<a href="#row-\d+">II.2 \(3\)</a>', body)
    assert re.search(r'data-tally="late">1<', body)
    assert body.count('class="late-badge"') == 1


def test_the_sheet_page_costs_the_same_few_queries_whatever_the_number_of_documents(
    client, plan, django_assert_max_num_queries
):
    editor = User.objects.get(username="thanh-thuy-editor")
    period = ReportingPeriod.objects.get(code="9M")
    for key in ("I.1", "II.4", "IV.3"):
        record_progress(
            task=_task(plan, key),
            period=period,
            status="done",
            result_text="Đã thực hiện",
            user=editor,
            evidence=[{"number": f"{n}/BC-UBND", "issued_on": None, "title": "", "file": None} for n in (1, 2)],
        )
    log_in(client, "thanh-thuy-editor")
    with django_assert_max_num_queries(25):
        assert client.get(_url("sheet", plan)).status_code == 200


def _stored_evidence(plan, name, data, *, checked):
    """Evidence as stored on a row of the plan (`checked`: whether it passed the content checks)."""
    task = _task(plan, "II.5")
    period = ReportingPeriod.objects.get(code="Q1")
    progress, _ = TaskProgress.objects.get_or_create(task=task, period=period)
    document = ProgressEvidence(progress=progress, number="1/BC-UBND", file_name=name, checked=checked)
    document.file = SimpleUploadedFile(name, data)
    document.save()
    return reverse("progress:evidence_file", args=[plan.pk, document.pk])


def test_a_checked_pdf_is_shown_in_the_browser(client, plan):
    link = _stored_evidence(plan, "bao-cao.pdf", PDF, checked=True)
    log_in(client, "thanh-thuy-editor")
    response = client.get(link)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_stored_before_the_content_checks_is_downloaded_not_shown(client, plan):
    link = _stored_evidence(plan, "bao-cao.pdf", PDF, checked=False)
    log_in(client, "thanh-thuy-editor")
    response = client.get(link)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_an_office_file_is_always_downloaded(client, plan):
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    link = _stored_evidence(plan, "so-lieu.xlsx", buffer.getvalue(), checked=True)
    log_in(client, "thanh-thuy-editor")
    response = client.get(link)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"


def test_an_uploaded_pdf_is_marked_checked(client, plan):
    log_in(client, "thanh-thuy-editor")
    upload = SimpleUploadedFile("qd.pdf", PDF, content_type="application/pdf")
    client.post(
        _url("row_save", plan, task=_task(plan, "II.5")),
        {"status": "in_progress", "result_text": "x", "evidence_number": "12/QĐ-UBND", "evidence_file": upload},
        **HTMX,
    )
    assert ProgressEvidence.objects.get().checked
