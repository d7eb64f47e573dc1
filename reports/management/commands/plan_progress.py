import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from orgs.services import UnitLookupError, find_unit
from plans.models import Plan
from reports.models import ReportingPeriod
from reports.progress import plan_progress


class Command(BaseCommand):
    help = "Tỷ lệ hoàn thành kế hoạch của một đơn vị tại ngày chốt số liệu của một kỳ báo cáo."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--period", required=True, help="Q1, Q2, Q3, Q4, 6M, 9M hoặc Y.")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, unit, year, period, json: bool, **options):
        try:
            found = find_unit(unit)
        except UnitLookupError as error:
            raise CommandError(str(error)) from error
        reporting_period = ReportingPeriod.objects.filter(code=period.upper()).first()
        if reporting_period is None:
            codes = ", ".join(ReportingPeriod.objects.values_list("code", flat=True))
            raise CommandError(f"Không có kỳ báo cáo “{period}”. Các kỳ: {codes}.")
        plan = Plan.objects.filter(unit=found, year=year).order_by("-revision").first()
        if plan is None:
            raise CommandError(f"{found} chưa có kế hoạch năm {year}.")
        result = plan_progress(plan=plan, period=reporting_period)
        if json:
            self.stdout.write(jsonlib.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(f"Tổng nội dung công việc: {result.total}")
        self.stdout.write(f"Nội dung đã thực hiện trong {reporting_period.label_for(year)}: {result.done}")
        self.stdout.write(f"Tỷ lệ hoàn thành kế hoạch: {result.rate}")
        for leaf in result.late:
            self.stdout.write(f"Chậm: {leaf.key} – {leaf.content[:80]}")

