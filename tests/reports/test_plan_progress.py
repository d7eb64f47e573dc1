import io
import json

import pytest
from django.core.management import CommandError, call_command

from periods.models import ReportingPeriod
from plans.models import Plan
from reports.progress import plan_progress
from tasks.models import TaskProgress

pytestmark = pytest.mark.django_db


def test_thanh_thuy_9_months_of_2023_gives_the_printed_tally(seed):
    out = io.StringIO()
    call_command("plan_progress", unit="Thanh Thủy", year=2023, period="9M", json=True, stdout=out)
    result = json.loads(out.getvalue())
    assert (result["total"], result["done"], result["rate"]) == (32, 29, 90.625)
    assert result["late"] == []


def test_the_text_output_reads_like_the_report(seed):
    out = io.StringIO()
    call_command("plan_progress", unit="Thanh Thủy", year=2023, period="9M", stdout=out)
    assert "Nội dung đã thực hiện trong 9 tháng đầu năm 2023: 29" in out.getvalue()


def test_a_content_not_started_past_its_due_date_is_listed_as_late(seed):
    plan = Plan.objects.get(unit__slug="thanh-thuy")
    period = ReportingPeriod.objects.get(code="9M")
    progress = TaskProgress.objects.get(task__section__plan=plan, period=period, task__section__number="I")
    task = progress.task
    task.set_deadline("Quý II/2023", 2023)
    task.save()
    progress.status = TaskProgress.Status.NOT_STARTED
    progress.save()
    result = plan_progress(plan=plan, period=period)
    assert [leaf.key for leaf in result.late] == ["I.1"]
    assert result.done == 28


def test_rows_without_progress_count_as_not_started(seed):
    plan = Plan.objects.get(unit__slug="le-loi")
    result = plan_progress(plan=plan, period=ReportingPeriod.objects.get(code="Q1"))
    assert result.done == 0 and result.total > 0


def test_an_unknown_period_is_refused_with_the_valid_ones(seed):
    with pytest.raises(CommandError, match="Các kỳ: Q1"):
        call_command("plan_progress", unit="Thanh Thủy", year=2023, period="Q9")


@pytest.mark.parametrize("code", ["Q1", "9M"])
def test_the_tally_from_the_progress_sheet_is_the_tally_read_afresh(seed, code):
    from tasks.progress import period_sheet

    plan = Plan.objects.get(unit__slug="thanh-thuy")
    period = ReportingPeriod.objects.get(code=code)
    sheet = period_sheet(plan=plan, period=period)
    assert plan_progress(plan=plan, period=period, sheet=sheet) == plan_progress(plan=plan, period=period)


def test_the_batched_tallies_agree_with_each_plan_s_own(seed):
    from periods.models import ReportingPeriod
    from plans.models import Plan
    from reports.progress import plan_progress, plan_tallies

    period = ReportingPeriod.objects.get(code="9M")
    plans = list(Plan.objects.all())
    batched = plan_tallies(plans=plans, period=period)
    for plan in plans:
        own = plan_progress(plan=plan, period=period)
        assert batched[plan.pk] == own, plan
