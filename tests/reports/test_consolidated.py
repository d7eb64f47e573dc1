"""The báo cáo tổng hợp: every figure of a province's report on four communes with known tallies and
KPI counts — two reported, one issued its plan but did not send its report, one has no plan."""

import hashlib
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator, Measurement, PlanTarget
from orgs.models import Membership, Unit
from periods.models import ReportingPeriod
from plans.cascade.services import take_rows
from plans.models import Plan
from reports.consolidated import consolidate
from reports.models import Report, SignedReport
from signing.models import IssuedDocument
from tasks.models import TaskProgress
from tests.factories import DecisionFactory, PlanFactory, SectionFactory, TaskFactory, UnitFactory, member

pytestmark = pytest.mark.django_db

DONE, IN_PROGRESS, NOT_ARISEN, NOT_STARTED = "done", "in_progress", "not_arisen", "not_started"


def plan_with(unit, statuses, *, period, status=Plan.Status.ISSUED):
    """An issued 2026 plan of `unit` whose leaf rows have `statuses` at `period` ((status, deadline) pairs)."""
    plan = PlanFactory(unit=unit, year=2026, status=status)
    DecisionFactory(plan=plan)
    section = SectionFactory(plan=plan, order=1, number="I", title="Công tác chỉ đạo, điều hành")
    rows = []
    for order, (state, deadline) in enumerate(statuses, 1):
        row = TaskFactory(section=section, order=order, number=str(order), content=f"Nội dung {order}")
        row.set_deadline(deadline, 2026)
        row.save()
        TaskProgress.objects.create(task=row, period=period, status=state)
        rows.append(row)
    return plan, rows


def send(plan, period):
    """The plan's báo cáo of `period`, signed and sent (as reports.signing leaves it)."""
    report = Report.objects.create(plan=plan, period=period, number=1, issued_on=date(2026, 9, 20))
    data = f"%PDF-1.7 {plan.pk}".encode()
    document = IssuedDocument(
        kind=IssuedDocument.Kind.REPORT,
        unit=plan.unit,
        number_text="01/BC-UBND",
        title="Báo cáo",
        issued_on=date(2026, 9, 20),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        signed_at=timezone.now(),
    )
    document.file.save(f"bc-{plan.pk}.pdf", ContentFile(data), save=False)
    document.save()
    SignedReport.objects.create(report=report, state="done", document=document)


class World:
    def __init__(self):
        self.period = ReportingPeriod.objects.get(code="9M")
        self.province = UnitFactory(kind=Unit.Kind.PROVINCE, name="Tổng Hợp")
        names = ("An", "Bình", "Chưa Gửi", "Dự Thảo")
        self.a, self.b, self.c, self.d = [
            UnitFactory(kind=Unit.Kind.COMMUNE, name=name, parent=self.province) for name in names
        ]
        self.own = PlanFactory(unit=self.province, year=2026, status=Plan.Status.ISSUED)
        DecisionFactory(plan=self.own)
        own_section = SectionFactory(plan=self.own, order=1, number="I", title="Công tác chỉ đạo, điều hành")
        self.own_row = TaskFactory(
            section=own_section, order=1, number="1", content="Ban hành kế hoạch", lead="UBND cấp xã", deadline_text=""
        )
        self.indicator = Indicator.objects.create(
            code="ho-so-truc-tuyen", name="Tỷ lệ hồ sơ trực tuyến", numerator="hồ sơ trực tuyến", denominator="hồ sơ"
        )
        PlanTarget.objects.create(plan=self.own, indicator=self.indicator, value=Decimal(80))

        # An: 4 contents, 3 carried out (the 4th not started, its deadline passed: late); reported.
        self.plan_a, rows_a = plan_with(
            self.a,
            [(DONE, "Quý I/2026"), (DONE, ""), (IN_PROGRESS, "Thường xuyên"), (NOT_STARTED, "Trước ngày 31/3/2026")],
            period=self.period,
        )
        # Bình: 4 contents, 2 carried out (not arisen counts), 2 not started without a passed deadline.
        self.plan_b, rows_b = plan_with(
            self.b, [(NOT_ARISEN, ""), (NOT_STARTED, "Quý IV/2026"), (NOT_STARTED, ""), (DONE, "")], period=self.period
        )
        # Chưa Gửi: issued its plan, never sent the report (its figures must not count).
        self.plan_c, _ = plan_with(self.c, [(DONE, ""), (DONE, "")], period=self.period)
        # Dự Thảo: a draft plan only.
        plan_with(self.d, [(DONE, "")], period=self.period, status=Plan.Status.DRAFT)
        send(self.plan_a, self.period)
        send(self.plan_b, self.period)

        for plan, (numerator, denominator) in (
            (self.plan_a, (45, 50)),
            (self.plan_b, (30, 40)),
            (self.plan_c, (1, 100)),
        ):
            Measurement.objects.create(
                plan=plan, indicator=self.indicator, period=self.period, numerator=numerator, denominator=denominator
            )

        # An and Bình took the province's row; An carried it out, Bình has not started it.
        for plan, status in ((self.plan_a, DONE), (self.plan_b, NOT_STARTED)):
            Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT)
            editor = member(plan.unit, Membership.Role.EDITOR)
            row = take_rows(plan=Plan.objects.get(pk=plan.pk), row_ids=[self.own_row.pk], user=editor).added[0]
            Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ISSUED)
            TaskProgress.objects.create(task=row, period=self.period, status=status)
        self.reviewer = member(self.province, Membership.Role.REVIEWER)

    def report(self):
        return consolidate(unit=self.province, year=2026, period=self.period)


@pytest.fixture
def world(db):
    return World()


def test_the_communes_counted_with_a_plan_with_a_report_and_missing(world):
    report = world.report()
    assert (report.communes, report.with_plan, len(report.submitted)) == (4, 3, 2)
    assert [(line.unit.name, line.missing_reason) for line in report.missing] == [
        ("Chưa Gửi", "Chưa gửi báo cáo kỳ này"),
        ("Dự Thảo", "Chưa ban hành kế hoạch năm"),
    ]


def test_the_tallies_are_summed_over_the_communes_that_reported_only(world):
    report = world.report()
    # An: 5 contents (4 + the row taken), 4 carried out; Bình: 5 contents, 2 carried out.
    assert (report.total, report.done, report.rate) == (10, 6, Decimal(60))
    assert report.by_status == {DONE: 4, IN_PROGRESS: 1, NOT_ARISEN: 1, NOT_STARTED: 4}
    assert report.late == 1


def test_the_communes_are_ranked_by_completion_rate(world):
    assert [(line.unit.name, line.tally.rate) for line in world.report().ranked] == [
        ("An", Decimal(80)),
        ("Bình", Decimal(40)),
    ]


def test_kpi_counts_are_summed_and_compared_with_the_unit_s_own_target(world):
    (kpi,) = world.report().kpis
    assert (kpi.numerator, kpi.denominator, kpi.reporting) == (75, 90, 2)
    assert kpi.rate == Decimal("83.33") and kpi.met is True
    assert [unit.name for unit in kpi.below] == ["Bình"]


def test_the_unit_s_own_rows_show_coverage_and_the_share_carried_out(world):
    ((_, (row,)),) = world.report().own_rows
    assert (row.took, row.communes, row.reporting, row.carried, row.share) == (2, 4, 2, 1, Decimal(50))


def test_a_commune_without_a_report_is_missing_never_zero(world):
    report = world.report()
    assert all(line.tally is None for line in report.missing)
    assert world.c.name not in [line.unit.name for line in report.ranked]


def test_the_page_shows_the_figures_and_the_chart(world):
    client = Client()
    client.force_login(world.reviewer)
    url = reverse("reports:consolidated", args=[world.province.pk, 2026, "9M"])
    page = client.get(url).content.decode()
    assert "<svg" in page and "Chưa Gửi" in page and "83,33%" in page
    assert ">60%<" in page
    title = page.split("<title>")[1].split("</title>")[0]
    assert title.strip() == "Báo cáo tổng hợp 9 tháng đầu năm 2026 – Tỉnh Tổng Hợp – Cổng kế hoạch KSTTHC"
    assert page.index('id="narrative-form"') > page.index("Nội dung kế hoạch của")  # the writing, last


def test_a_commune_editor_cannot_open_the_province_s_consolidated_report(world):
    client = Client()
    client.force_login(member(world.a, Membership.Role.EDITOR))
    response = client.get(reverse("reports:consolidated", args=[world.province.pk, 2026, "9M"]))
    assert response.status_code == 404  # the province is not visible to a commune's editor


def test_the_export_has_one_sheet_per_table_with_the_same_figures(world):
    import io

    from openpyxl import load_workbook

    client = Client()
    client.force_login(world.reviewer)
    data = client.get(reverse("reports:consolidated_xlsx", args=[world.province.pk, 2026, "9M"])).content
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Tổng hợp", "Các xã", "Chỉ tiêu", "Nội dung của đơn vị"]
    summary = dict(book["Tổng hợp"].iter_rows(min_row=2, values_only=True))
    assert (summary["Tổng số nội dung (các xã đã gửi)"], summary["Đã thực hiện"], summary["Tỷ lệ hoàn thành (%)"]) == (
        10,
        6,
        60,
    )
    communes = list(book["Các xã"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in communes] == ["An", "Bình", "Chưa Gửi", "Dự Thảo"]
    assert list(book["Chỉ tiêu"].iter_rows(min_row=2, values_only=True))[0][2:5] == (75, 90, 83.33)


# --- the document ----------------------------------------------------------------------------------------


def test_the_narrative_is_drafted_from_the_figures(world):
    from reports.consolidated_files import get_writing

    writing = get_writing(unit=world.province, year=2026, period=world.period)
    assert "có 4 xã, phường, thị trấn; 3 đơn vị đã ban hành" in writing.results
    assert "2 đơn vị đã gửi báo cáo 9 tháng đầu năm 2026, 2 đơn vị chưa gửi" in writing.results
    assert "đã thực hiện 6 nội dung, đạt 60%" in writing.results
    assert "75/90, đạt 83,33% (chỉ tiêu 80%: đạt); các đơn vị chưa đạt chỉ tiêu: Bình" in writing.kpi_summary
    assert "Chưa Gửi, Dự Thảo" in writing.late_items


def test_the_unit_s_reviewer_edits_the_writing_and_an_edit_is_never_redrafted(world):
    from reports.consolidated_files import get_writing

    client = Client()
    client.force_login(world.reviewer)
    url = reverse("reports:consolidated", args=[world.province.pk, 2026, "9M"])
    form = {"number": 7, "issued_on": "2026-09-25", "results": "Đã sửa tay.", "signer_title": "CHỦ TỊCH"}
    assert client.post(url, form).status_code == 302
    writing = get_writing(unit=world.province, year=2026, period=world.period)
    assert (writing.number_text, writing.results) == ("07/BC-UBND", "Đã sửa tay.")
    assert "75/90" in writing.kpi_summary  # emptied by the form, drafted again


def test_the_pdf_and_xlsx_render_through_the_report_job_keyed_by_data_version(
    world, django_capture_on_commit_callbacks
):
    import subprocess
    import tempfile

    from reports.consolidated_files import request_consolidated

    with django_capture_on_commit_callbacks(execute=True):
        job = request_consolidated(unit=world.province, year=2026, period=world.period, user=world.reviewer)
    job.refresh_from_db()
    assert job.is_ready, job.error
    assert job.plan_id is None and job.unit == world.province and job.pages >= 2
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(job.file_pdf.read())
        handle.flush()
        text = " ".join(subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, text=True).stdout.split())
    assert "BÁO CÁO" in text and "/BC-UBND" in text and "83,33%" in text and "Chưa Gửi" in text
    again = request_consolidated(unit=world.province, year=2026, period=world.period)
    assert again.pk == job.pk  # same data: the same file
    Measurement.objects.filter(plan=world.plan_a).update(numerator=50)
    changed = request_consolidated(unit=world.province, year=2026, period=world.period)
    assert changed.pk != job.pk and changed.data_version != job.data_version


def test_render_report_writes_the_consolidated_pdf_for_a_unit_above_communes(world, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "tong-hop.pdf"
    call_command("render_report", unit=world.province.name, year=2026, period="9M", output=str(out))
    assert out.read_bytes().startswith(b"%PDF-")


def test_with_no_report_sent_there_is_no_rate_rather_than_zero(world):
    from reports.consolidated_files import document_context, get_writing

    SignedReport.objects.all().delete()
    report = world.report()
    assert report.submitted == [] and len(report.missing) == 4
    context = document_context(report, get_writing(unit=world.province, year=2026, period=world.period))
    assert context["rate_percent"] == "—"
