"""Recording progress one period at a time: tasks.progress services and selectors."""

import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from orgs.models import User
from periods.models import ReportingPeriod
from plans.models import Plan
from reports.progress import plan_progress
from tasks.models import ProgressEvidence, TaskProgress
from tasks.progress import (
    can_record_progress,
    carry_forward,
    carry_source,
    default_period,
    earlier_periods,
    period_sheet,
    progress_changed_at,
    record_progress,
    remove_evidence,
)
from tests.factories import pdf_bytes

pytestmark = pytest.mark.django_db
Status = TaskProgress.Status


def _period(code):
    return ReportingPeriod.objects.get(code=code)


def _user(username):
    return User.objects.get(username=username)


@pytest.fixture
def thanh_thuy(seed):
    return Plan.objects.get(unit__slug="thanh-thuy", year=2023)


@pytest.fixture
def le_loi(le_loi_plan):
    return le_loi_plan


def _row(plan, period, key):
    return next(row for row in period_sheet(plan=plan, period=period).rows if row.key == key)


def _leaf_tasks(plan):
    return [row.task for row in period_sheet(plan=plan, period=_period("Q1")).leaves]


def _pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def _png(name="anh.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- record_progress -------------------------------------------------------------------------------


def test_recording_a_leaf_row_stores_status_text_and_author(le_loi):
    editor = _user("le-loi-editor")
    task = _leaf_tasks(le_loi)[0]

    progress = record_progress(
        task=task,
        period=_period("Q1"),
        status=Status.DONE,
        result_text="  Đã ban hành Kế hoạch số 05/KH-UBND.\r\n",
        user=editor,
    )

    assert (progress.status, progress.result_text, progress.updated_by) == (
        "done",
        "Đã ban hành Kế hoạch số 05/KH-UBND.",
        editor,
    )
    assert TaskProgress.objects.filter(task=task, period=_period("Q1")).count() == 1


def test_recording_again_replaces_the_periods_record_and_leaves_other_periods_alone(le_loi):
    editor = _user("le-loi-editor")
    task = _leaf_tasks(le_loi)[0]
    record_progress(task=task, period=_period("Q1"), status=Status.IN_PROGRESS, result_text="Đang làm", user=editor)
    record_progress(task=task, period=_period("6M"), status=Status.IN_PROGRESS, result_text="Đang làm", user=editor)

    record_progress(task=task, period=_period("Q1"), status=Status.DONE, result_text="Xong", user=editor)

    assert TaskProgress.objects.get(task=task, period=_period("Q1")).status == Status.DONE
    assert TaskProgress.objects.get(task=task, period=_period("6M")).status == Status.IN_PROGRESS


def test_a_row_with_sub_items_is_refused_with_a_message(thanh_thuy):
    parent = _row(thanh_thuy, _period("9M"), "II.1").task

    with pytest.raises(ValidationError, match="gạch đầu dòng"):
        record_progress(
            task=parent, period=_period("9M"), status=Status.DONE, result_text="x", user=_user("thanh-thuy-editor")
        )


def test_an_unknown_status_is_refused(le_loi):
    with pytest.raises(ValidationError) as refused:
        record_progress(
            task=_leaf_tasks(le_loi)[0],
            period=_period("Q1"),
            status="finished",
            result_text="x",
            user=_user("le-loi-editor"),
        )
    assert "status" in refused.value.message_dict


def test_a_done_row_needs_a_result_text_but_other_statuses_may_be_blank(le_loi):
    editor, task = _user("le-loi-editor"), _leaf_tasks(le_loi)[0]

    with pytest.raises(ValidationError) as refused:
        record_progress(task=task, period=_period("Q1"), status=Status.DONE, result_text="   ", user=editor)
    assert "result_text" in refused.value.message_dict
    assert not TaskProgress.objects.filter(task=task).exists()

    for status in (Status.IN_PROGRESS, Status.NOT_ARISEN, Status.NOT_STARTED):
        assert (
            record_progress(task=task, period=_period("Q1"), status=status, result_text="", user=editor).status
            == status
        )


def test_evidence_needs_a_number_when_a_date_title_or_file_is_given(le_loi):
    editor, task = _user("le-loi-editor"), _leaf_tasks(le_loi)[0]

    with pytest.raises(ValidationError) as refused:
        record_progress(
            task=task,
            period=_period("Q1"),
            status=Status.DONE,
            result_text="Xong",
            user=editor,
            evidence=[{"number": "", "issued_on": date(2024, 3, 1), "title": "", "file": None}],
        )
    assert "evidence_number" in refused.value.message_dict
    assert not TaskProgress.objects.filter(task=task).exists()


def test_evidence_is_stored_with_its_number_cleaned_and_empty_items_skipped(le_loi):
    editor, task = _user("le-loi-editor"), _leaf_tasks(le_loi)[0]
    blank = {"number": " ", "issued_on": None, "title": "", "file": None}
    report = {"number": "Số: 46/BC-UBND", "issued_on": date(2024, 6, 5), "title": "về rà soát TTHC", "file": None}

    progress = record_progress(
        task=task, period=_period("6M"), status=Status.DONE, result_text="Xong", user=editor, evidence=[blank, report]
    )
    record_progress(
        task=task,
        period=_period("6M"),
        status=Status.DONE,
        result_text="Xong",
        user=editor,
        evidence=[{"number": "22/TB-UBND", "issued_on": None, "title": "", "file": None}],
    )

    assert [(e.order, e.number, e.issued_on) for e in progress.evidence.all()] == [
        (1, "46/BC-UBND", date(2024, 6, 5)),
        (2, "22/TB-UBND", None),
    ]


def test_an_evidence_date_in_the_future_is_refused(le_loi):
    tomorrow = date.today() + timedelta(days=2)
    with pytest.raises(ValidationError) as refused:
        record_progress(
            task=_leaf_tasks(le_loi)[0],
            period=_period("Q1"),
            status=Status.DONE,
            result_text="Xong",
            user=_user("le-loi-editor"),
            evidence=[{"number": "1/BC-UBND", "issued_on": tomorrow, "title": "", "file": None}],
        )
    assert "evidence_issued_on" in refused.value.message_dict


def test_an_evidence_file_is_stored_under_the_plan_with_the_extension_its_bytes_show(le_loi):
    task = _leaf_tasks(le_loi)[0]
    progress = record_progress(
        task=task,
        period=_period("Q1"),
        status=Status.DONE,
        result_text="Xong",
        user=_user("le-loi-editor"),
        evidence=[{"number": "05/KH-UBND", "issued_on": None, "title": "", "file": _pdf("ke hoach 05.txt")}],
    )

    document = progress.evidence.get()
    assert document.file.name.startswith(f"evidence/{le_loi.pk}/")
    assert document.file.name.endswith(".pdf")
    assert document.file_name == "ke hoach 05.txt"
    assert (document.kind, document.content_type) == ("pdf", "application/pdf")
    assert document.file.read().startswith(b"%PDF-")


@pytest.mark.parametrize(
    "upload",
    [
        lambda: _png(),
        lambda: _office("docx"),
        lambda: _office("xlsx"),
    ],
    ids=["png", "docx", "xlsx"],
)
def test_images_word_and_excel_files_are_accepted(le_loi, upload):
    progress = record_progress(
        task=_leaf_tasks(le_loi)[0],
        period=_period("Q1"),
        status=Status.DONE,
        result_text="Xong",
        user=_user("le-loi-editor"),
        evidence=[{"number": "1/BC-UBND", "issued_on": None, "title": "", "file": upload()}],
    )
    assert progress.evidence.get().file.name.rsplit(".", 1)[-1] in {"png", "docx", "xlsx"}


def _office(kind):
    buffer = io.BytesIO()
    if kind == "docx":
        import docx

        document = docx.Document()
        document.add_paragraph("Báo cáo")
        document.save(buffer)
    else:
        import openpyxl

        openpyxl.Workbook().save(buffer)
    return SimpleUploadedFile(f"tep.{kind}", buffer.getvalue())


def _zip_bomb():
    """An .xlsx-shaped zip whose one sheet inflates 200 MB of zeros from a few hundred kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            zeros = b"0" * (1024 * 1024)
            for _ in range(200):
                sheet.write(zeros)
    return buffer.getvalue()


def _docx_with_dtd():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", '<!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>')
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bao-cao.pdf", b"<html><script>alert(1)</script></html>", "Chỉ nhận tệp PDF"),
        ("bao-cao.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".doc, .xls"),
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "Ảnh bị hỏng"),
        ("tai-lieu.zip", b"PK\x03\x04" + b"\0" * 40, "hỏng"),
        # the probe's file: HTML with the PDF marker inside its first kilobyte
        ("bao-cao.pdf", b"<html><body>%PDF-1.7<script>alert(1)</script></body></html>", "Chỉ nhận tệp PDF"),
        ("bao-cao.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>", "PDF bị hỏng"),
        ("bao-cao.xlsx", _zip_bomb(), "nén bất thường"),
        ("bao-cao.docx", _docx_with_dtd(), "DOCTYPE"),
    ],
    ids=[
        "html-named-pdf",
        "legacy-doc",
        "broken-png",
        "broken-zip",
        "pdf-marker-inside-html",
        "pdf-header-on-html",
        "zip-bomb-named-xlsx",
        "docx-with-dtd",
    ],
)
def test_a_file_is_judged_by_its_content_not_its_name(le_loi, name, data, message):
    with pytest.raises(ValidationError) as refused:
        record_progress(
            task=_leaf_tasks(le_loi)[0],
            period=_period("Q1"),
            status=Status.DONE,
            result_text="Xong",
            user=_user("le-loi-editor"),
            evidence=[{"number": "1/BC-UBND", "issued_on": None, "title": "", "file": SimpleUploadedFile(name, data)}],
        )
    assert message in refused.value.message_dict["evidence_file"][0]
    assert not ProgressEvidence.objects.exists()


def test_a_file_over_10_mb_is_refused(le_loi):
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="10 MB"):
        record_progress(
            task=_leaf_tasks(le_loi)[0],
            period=_period("Q1"),
            status=Status.DONE,
            result_text="Xong",
            user=_user("le-loi-editor"),
            evidence=[{"number": "1/BC-UBND", "issued_on": None, "title": "", "file": big}],
        )


# --- who may record --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("le-loi-editor", True),
        ("le-loi-admin", True),
        ("le-loi-signer", False),
        ("le-loi-reviewer", False),
        ("gia-loc-reviewer", False),
        ("gia-loc-admin", False),
        ("ha-tan-editor", False),
    ],
)
def test_only_the_communes_own_editor_or_admin_records_progress(le_loi, username, allowed):
    assert can_record_progress(_user(username), le_loi) is allowed
    task = _leaf_tasks(le_loi)[0]
    if allowed:
        record_progress(
            task=task, period=_period("Q1"), status=Status.IN_PROGRESS, result_text="", user=_user(username)
        )
    else:
        with pytest.raises(PermissionDenied):
            record_progress(
                task=task, period=_period("Q1"), status=Status.IN_PROGRESS, result_text="", user=_user(username)
            )


@pytest.mark.parametrize("status", [Plan.Status.SUBMITTED, Plan.Status.APPROVED, Plan.Status.ISSUED])
def test_progress_is_recorded_whatever_the_plans_status(le_loi, status):
    Plan.objects.filter(pk=le_loi.pk).update(status=status)
    le_loi.refresh_from_db()
    task = _leaf_tasks(le_loi)[0]
    record_progress(
        task=task, period=_period("Q1"), status=Status.DONE, result_text="Xong", user=_user("le-loi-editor")
    )
    assert TaskProgress.objects.filter(task=task).exists()


# --- the tally and late rows on the seed data ------------------------------------------------------


def test_the_seeded_9_month_sheet_gives_the_printed_tally_and_changes_with_a_save(thanh_thuy):
    period = _period("9M")
    tally = plan_progress(plan=thanh_thuy, period=period)
    assert (tally.total, tally.done, tally.rate) == (32, 29, Decimal("90.625"))
    assert tally.by_status == {"done": 14, "in_progress": 11, "not_arisen": 4, "not_started": 3}

    task = _row(thanh_thuy, period, "II.5").task
    record_progress(
        task=task,
        period=period,
        status=Status.IN_PROGRESS,
        result_text="Đã lập đoàn kiểm tra",
        user=_user("thanh-thuy-editor"),
    )

    tally = plan_progress(plan=thanh_thuy, period=period)
    assert (tally.done, tally.rate) == (30, Decimal("93.75"))


def test_a_one_off_row_past_its_date_and_still_in_progress_is_late_until_done(thanh_thuy):
    period, editor = _period("9M"), _user("thanh-thuy-editor")
    task = _row(thanh_thuy, period, "II.2 (3)").task  # "chậm nhất ngày 23/05/2023"
    record_progress(task=task, period=period, status=Status.IN_PROGRESS, result_text="Đang tổng hợp", user=editor)
    assert [leaf.key for leaf in plan_progress(plan=thanh_thuy, period=period).late] == ["II.2 (3)"]

    record_progress(task=task, period=period, status=Status.DONE, result_text="Báo cáo số 46/BC-UBND", user=editor)
    assert plan_progress(plan=thanh_thuy, period=period).late == []


# --- carry_forward ---------------------------------------------------------------------------------


def test_earlier_periods_run_latest_first_with_the_cumulative_period_before_its_quarter():
    assert [p.code for p in earlier_periods(_period("9M"), 2023)] == ["6M", "Q2", "Q1"]
    assert [p.code for p in earlier_periods(_period("Y"), 2023)] == ["9M", "Q3", "6M", "Q2", "Q1"]
    assert earlier_periods(_period("Q1"), 2023) == []


def test_carrying_9_months_into_the_year_fills_every_row_and_keeps_the_tally(thanh_thuy):
    editor = _user("thanh-thuy-editor")

    filled = carry_forward(plan=thanh_thuy, period=_period("Y"), user=editor)

    assert filled == 32
    year = period_sheet(plan=thanh_thuy, period=_period("Y"))
    nine = period_sheet(plan=thanh_thuy, period=_period("9M"))
    assert [(r.key, r.progress.status, r.progress.result_text) for r in year.leaves] == [
        (r.key, r.progress.status, r.progress.result_text) for r in nine.leaves
    ]
    assert {r.progress.carried_from.code for r in year.leaves} == {"9M"}
    assert year.carried == 32
    tally = plan_progress(plan=thanh_thuy, period=_period("Y"))
    assert (tally.total, tally.done) == (32, 29)


def test_carrying_never_overwrites_what_the_period_has_and_a_second_run_fills_nothing(thanh_thuy):
    editor = _user("thanh-thuy-editor")
    task = _row(thanh_thuy, _period("Y"), "II.5").task
    record_progress(
        task=task, period=_period("Y"), status=Status.DONE, result_text="Đã kiểm tra 2 bộ phận", user=editor
    )

    assert carry_forward(plan=thanh_thuy, period=_period("Y"), user=editor) == 31
    assert carry_forward(plan=thanh_thuy, period=_period("Y"), user=editor) == 0
    kept = TaskProgress.objects.get(task=task, period=_period("Y"))
    assert (kept.status, kept.result_text, kept.carried_from) == ("done", "Đã kiểm tra 2 bộ phận", None)


def test_carrying_takes_each_rows_latest_earlier_period(le_loi):
    editor = _user("le-loi-editor")
    first, second, third = _leaf_tasks(le_loi)[:3]
    record_progress(task=first, period=_period("Q1"), status=Status.IN_PROGRESS, result_text="Q1", user=editor)
    record_progress(task=first, period=_period("6M"), status=Status.DONE, result_text="6 tháng", user=editor)
    record_progress(
        task=second, period=_period("Q1"), status=Status.NOT_ARISEN, result_text="Không phát sinh", user=editor
    )
    record_progress(task=third, period=_period("Q2"), status=Status.IN_PROGRESS, result_text="quý II", user=editor)
    record_progress(task=third, period=_period("6M"), status=Status.IN_PROGRESS, result_text="6 tháng", user=editor)

    assert carry_source(plan=le_loi, period=_period("9M")).code == "6M"
    assert carry_forward(plan=le_loi, period=_period("9M"), user=editor) == 3

    carried = {p.task_id: p for p in TaskProgress.objects.filter(period=_period("9M"))}
    assert (carried[first.pk].status, carried[first.pk].result_text, carried[first.pk].carried_from.code) == (
        "done",
        "6 tháng",
        "6M",
    )
    assert (carried[second.pk].status, carried[second.pk].carried_from.code) == ("not_arisen", "Q1")
    assert (carried[third.pk].result_text, carried[third.pk].carried_from.code) == ("6 tháng", "6M")


def test_not_started_rows_stay_not_started_with_their_reason_and_empty_ones_are_not_copied(le_loi):
    editor = _user("le-loi-editor")
    waiting, empty = _leaf_tasks(le_loi)[:2]
    record_progress(
        task=waiting,
        period=_period("Q1"),
        status=Status.NOT_STARTED,
        result_text="Chờ hướng dẫn của huyện",
        user=editor,
    )
    record_progress(task=empty, period=_period("Q1"), status=Status.NOT_STARTED, result_text="", user=editor)

    assert carry_forward(plan=le_loi, period=_period("6M"), user=editor) == 1
    copy = TaskProgress.objects.get(period=_period("6M"))
    assert (copy.task, copy.status, copy.result_text) == (waiting, "not_started", "Chờ hướng dẫn của huyện")


def test_nothing_comes_before_quarter_one(thanh_thuy):
    assert carry_forward(plan=thanh_thuy, period=_period("Q1"), user=_user("thanh-thuy-editor")) == 0
    assert carry_source(plan=thanh_thuy, period=_period("Q1")) is None


def test_a_reviewer_may_not_carry_forward(thanh_thuy):
    with pytest.raises(PermissionDenied):
        carry_forward(plan=thanh_thuy, period=_period("Y"), user=_user("thanh-thuy-reviewer"))
    assert not TaskProgress.objects.filter(period=_period("Y")).exists()


def test_saving_a_carried_row_marks_it_reviewed(thanh_thuy):
    editor = _user("thanh-thuy-editor")
    carry_forward(plan=thanh_thuy, period=_period("Y"), user=editor)
    task = _row(thanh_thuy, _period("Y"), "I.1").task

    record_progress(task=task, period=_period("Y"), status=Status.DONE, result_text="Đã thực hiện cả năm", user=editor)

    assert TaskProgress.objects.get(task=task, period=_period("Y")).carried_from is None
    assert period_sheet(plan=thanh_thuy, period=_period("Y")).carried == 31


def test_carried_evidence_shares_the_file_which_is_deleted_with_its_last_citation(
    le_loi, django_capture_on_commit_callbacks
):
    editor = _user("le-loi-editor")
    task = _leaf_tasks(le_loi)[0]
    progress = record_progress(
        task=task,
        period=_period("Q1"),
        status=Status.DONE,
        result_text="Xong",
        user=editor,
        evidence=[{"number": "05/KH-UBND", "issued_on": date(2024, 1, 23), "title": "Kế hoạch KSTTHC", "file": _pdf()}],
    )
    original = progress.evidence.get()
    carry_forward(plan=le_loi, period=_period("6M"), user=editor)
    copy = ProgressEvidence.objects.get(progress__period=_period("6M"))
    assert (copy.number, copy.issued_on, copy.title, copy.file.name) == (
        "05/KH-UBND",
        date(2024, 1, 23),
        "Kế hoạch KSTTHC",
        original.file.name,
    )
    storage, name = original.file.storage, original.file.name

    with django_capture_on_commit_callbacks(execute=True):
        remove_evidence(evidence=original, user=editor)
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        remove_evidence(evidence=copy, user=editor)
    assert not storage.exists(name)


# --- reading ---------------------------------------------------------------------------------------


def test_the_sheet_lists_rows_in_print_order_with_leaf_progress_in_constant_queries(
    thanh_thuy, django_assert_max_num_queries
):
    period = _period("9M")
    with django_assert_max_num_queries(4):
        sheet = period_sheet(plan=thanh_thuy, period=period)
        rows = [(row.key, row.depth, row.is_leaf, row.status) for row in sheet.rows]
        evidence = [list(row.progress.evidence.all()) for row in sheet.leaves]

    assert rows[:3] == [("I.1", 0, True, "done"), ("II.1", 0, False, ""), ("II.1 (1)", 1, True, "in_progress")]
    assert len(sheet.leaves) == 32 and sheet.filled == 32
    assert all(documents == [] for documents in evidence)
    assert [row.key for row in sheet.leaves if row.status == "not_started"] == ["II.5", "II.6", "III.1"]


def test_default_period_is_the_latest_period_with_progress(thanh_thuy):
    assert default_period(plan=thanh_thuy).code == "9M"


def test_default_period_of_an_empty_plan_follows_the_calendar(le_loi):
    assert default_period(plan=le_loi, today=date(2024, 5, 2)).code == "6M"
    assert default_period(plan=le_loi, today=date(2024, 2, 1)).code == "Q1"
    assert default_period(plan=le_loi, today=date(2025, 1, 10)).code == "Y"


def test_progress_changed_at_follows_the_latest_save_of_the_period(le_loi):
    editor, task = _user("le-loi-editor"), _leaf_tasks(le_loi)[0]
    assert progress_changed_at(plan=le_loi, period=_period("Q1")) is None
    progress = record_progress(task=task, period=_period("Q1"), status=Status.IN_PROGRESS, result_text="", user=editor)
    assert progress_changed_at(plan=le_loi, period=_period("Q1")) == progress.updated_at
    assert progress_changed_at(plan=le_loi, period=_period("6M")) is None
