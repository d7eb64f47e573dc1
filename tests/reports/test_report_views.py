"""The report page, its job status and downloads, and the reviewer's batch page."""

import pytest
from django.urls import reverse
from django.utils import timezone

import reports.services
from periods.models import ReportingPeriod
from plans.models import Plan
from reports.models import Report, ReportBatch, ReportDocument
from tests.factories import log_in
from tthc_portal.jobs import JobState

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def thanh_thuy(seed):
    return Plan.objects.select_related("unit").get(unit__slug="thanh-thuy", year=2023)


@pytest.fixture
def nine_months(db):
    return ReportingPeriod.objects.get(code="9M")


def _url(name, plan, **kwargs):
    return reverse(f"reports:{name}", kwargs={"plan_pk": plan.pk, "period_code": "9M", **kwargs})


def test_the_editor_sees_the_figures_the_draft_and_the_button(client, thanh_thuy):
    body = log_in(client, "thanh-thuy-editor").get(_url("report", thanh_thuy)).content.decode()

    assert "<h1>Báo cáo 9 tháng đầu năm 2023 – Xã Thanh Thủy</h1>" in body
    for line in (
        "Tổng nội dung công việc: 32",
        "Nội dung đã thực hiện trong 9 tháng đầu năm 2023: 29",
        "Tỷ lệ hoàn thành kế hoạch: 90.625",
    ):
        assert line in body
    assert "đã triển khai thực hiện 29/32 nội dung công việc theo Kế hoạch, đạt 90,625%" in body
    assert ">Tạo báo cáo</button>" in body and "Soạn lại bản nháp" in body


def test_reading_a_report_page_writes_nothing(client, seed):
    plan = Plan.objects.get(unit__slug="le-loi", year=2024)  # no report yet
    body = log_in(client, "gia-loc-reviewer").get(_url("report", plan)).content.decode()
    assert "Báo cáo 9 tháng đầu năm 2024" in body  # the draft is shown …
    assert not Report.objects.filter(plan=plan).exists()  # … and nothing was stored


def test_reading_a_seeded_report_leaves_its_stored_fields_as_they_are(client, thanh_thuy, nine_months):
    stored = Report.objects.get(plan=thanh_thuy, period=nine_months)
    log_in(client, "thanh-thuy-editor").get(_url("report", thanh_thuy))
    again = Report.objects.get(pk=stored.pk)
    assert (again.updated_at, again.place, again.introduction) == (stored.updated_at, stored.place, stored.introduction)


def test_a_user_of_another_unit_gets_404(client, thanh_thuy):
    log_in(client, "le-loi-editor")
    assert client.get(_url("report", thanh_thuy)).status_code == 404
    assert client.post(_url("document_request", thanh_thuy)).status_code == 404


def test_the_reviewer_above_reads_but_does_not_write(client, thanh_thuy):
    log_in(client, "huyen-chua-ro-reviewer")
    body = client.get(_url("report", thanh_thuy)).content.decode()
    assert "Tỷ lệ hoàn thành kế hoạch: 90.625" in body
    assert 'id="narrative-form"' not in body and ">Tạo báo cáo</button>" not in body

    assert client.post(_url("report", thanh_thuy), {"results": "x"}).status_code == 403
    assert client.post(_url("document_request", thanh_thuy)).status_code == 403
    assert client.post(_url("redraft", thanh_thuy)).status_code == 403
    assert not ReportDocument.objects.exists()


def test_the_editor_saves_the_narrative(client, thanh_thuy, nine_months):
    log_in(client, "thanh-thuy-editor")
    client.get(_url("report", thanh_thuy))
    data = {name: getattr(Report.objects.get(plan=thanh_thuy), name) for name in Report.NARRATIVE_FIELDS}
    data.update(
        number="52",
        issued_on="2023-09-15",
        place="Thanh Thủy",
        summary="",
        recipients="UBND huyện;\nLưu: VT, VP.",
        signer_prefix="KT.",
        signer_title="CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        signer_name="Nguyễn Văn B",
        shortcomings="- Còn chậm.",
    )

    response = client.post(_url("report", thanh_thuy), data)

    assert response.status_code == 302
    report = Report.objects.get(plan=thanh_thuy, period=nine_months)
    assert (report.number, report.shortcomings, report.signer_name) == (52, "- Còn chậm.", "Nguyễn Văn B")
    assert report.number_text == "52/BC-UBND" and report.updated_by.username == "thanh-thuy-editor"


def test_an_invalid_form_keeps_the_text_and_says_why(client, thanh_thuy):
    log_in(client, "thanh-thuy-editor")
    response = client.post(_url("report", thanh_thuy), {"issued_on": "31/02/2023", "results": "Giữ lại chữ này"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Giữ lại chữ này" in body and "errorlist" in body


def test_redrafting_writes_the_draft_again(client, thanh_thuy, nine_months):
    log_in(client, "thanh-thuy-editor")
    client.get(_url("report", thanh_thuy))
    Report.objects.filter(plan=thanh_thuy).update(results="cũ")

    assert client.post(_url("redraft", thanh_thuy)).status_code == 302

    assert Report.objects.get(plan=thanh_thuy).results.startswith("Trong 9 tháng đầu năm 2023")


def test_the_button_renders_and_offers_both_downloads(client, thanh_thuy, django_capture_on_commit_callbacks):
    log_in(client, "thanh-thuy-editor")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("document_request", thanh_thuy), headers=HTMX)
    assert response.status_code == 200

    body = client.get(_url("document_status", thanh_thuy)).content.decode()
    document = ReportDocument.objects.get()
    assert f"Tải báo cáo PDF ({document.pages} trang)" in body and "Tải Excel" in body and ">Tạo lại</button>" in body
    pdf = client.get(reverse("reports:download", args=[thanh_thuy.pk, document.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="bao-cao-thanh-thuy-2023-9m.pdf"' in pdf["Content-Disposition"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    xlsx = client.get(reverse("reports:download", args=[thanh_thuy.pk, document.pk, "xlsx"]))
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert client.get(reverse("reports:download", args=[thanh_thuy.pk, document.pk, "exe"])).status_code == 404


def test_a_running_job_shows_a_progress_bar_that_polls(client, thanh_thuy, nine_months):
    ReportDocument.objects.create(
        plan=thanh_thuy,
        period=nine_months,
        plan_version=thanh_thuy.version,
        state=JobState.RUNNING,
        started_at=timezone.now(),
    )
    body = log_in(client, "thanh-thuy-editor").get(_url("document_status", thanh_thuy)).content.decode()
    assert "<progress" in body and 'hx-trigger="every 1s"' in body and "Đang xử lý…" in body


def test_a_failure_shows_its_reason_and_a_retry(client, thanh_thuy, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(reports.services, "build_report_pdf", lambda *a, **k: 1 / 0)
    log_in(client, "thanh-thuy-editor")
    with django_capture_on_commit_callbacks(execute=True):
        body = client.post(_url("document_request", thanh_thuy), headers=HTMX).content.decode()
    body = client.get(_url("document_status", thanh_thuy)).content.decode()
    assert (
        "Không tạo được báo cáo do lỗi hệ thống." in body and ">Thử lại</button>" in body and "hx-trigger" not in body
    )


# --- batch ---------------------------------------------------------------------------------------------


def test_a_commune_editor_has_no_batch_page(client, seed):
    assert log_in(client, "thanh-thuy-editor").get(reverse("reports:batch_index")).status_code == 403


def test_the_reviewer_renders_every_commune_in_one_action(client, thanh_thuy, django_capture_on_commit_callbacks):
    log_in(client, "huyen-chua-ro-reviewer")
    page = client.get(reverse("reports:batch_index")).content.decode()
    assert "Tạo báo cáo cho tất cả các xã" in page

    unit = thanh_thuy.unit.parent
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:batch_index"), {"unit": unit.pk, "period": "9M", "year": 2023})

    batch = ReportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:batch", args=[batch.pk])
    body = client.get(response["Location"]).content.decode()
    assert '<progress value="1" max="1"' in body and "1/1</strong> xã đã xử lý xong (100%)" in body
    assert "Xã Thanh Thủy" in body and "hx-trigger" not in body


def test_a_failed_commune_shows_its_error_and_can_be_retried(
    client, thanh_thuy, nine_months, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(reports.services, "build_report_pdf", lambda *a, **k: 1 / 0)
    log_in(client, "huyen-chua-ro-reviewer")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:batch_index"), {"unit": thanh_thuy.unit.parent_id, "period": "9M", "year": 2023})
    batch = ReportBatch.objects.get()
    document = batch.documents.get()
    body = client.get(reverse("reports:batch", args=[batch.pk])).content.decode()
    assert "Không tạo được báo cáo do lỗi hệ thống." in body and "1 lỗi" in body

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:batch_retry", args=[batch.pk, document.pk]), headers=HTMX)

    document.refresh_from_db()
    assert document.state == JobState.DONE and document.batch_id == batch.pk


def test_another_reviewer_cannot_see_the_batch(client, thanh_thuy, nine_months):
    batch = ReportBatch.objects.create(unit=thanh_thuy.unit.parent, period=nine_months, year=2023)
    assert log_in(client, "gia-loc-reviewer").get(reverse("reports:batch", args=[batch.pk])).status_code == 404


def test_the_plan_link_opens_the_period_being_reported(client, thanh_thuy):
    response = log_in(client, "thanh-thuy-editor").get(reverse("reports:plan", args=[thanh_thuy.pk]))
    assert response.status_code == 302 and response["Location"] == _url("report", thanh_thuy)
