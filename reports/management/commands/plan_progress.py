import json as jsonlib

from django.core.management.base import BaseCommand

from periods.command_args import period_arg
from plans.command_args import add_plan_arguments, plan_arg
from reports.progress import plan_progress


class Command(BaseCommand):
    help = "Tỷ lệ hoàn thành kế hoạch của một đơn vị tại ngày chốt số liệu của một kỳ báo cáo."

    def add_arguments(self, parser):
        add_plan_arguments(parser)
        parser.add_argument("--period", required=True, help="Q1, Q2, Q3, Q4, 6M, 9M hoặc Y.")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, unit, year, period, json: bool, **options):
        reporting_period = period_arg(period)
        plan = plan_arg(unit, year)
        result = plan_progress(plan=plan, period=reporting_period)
        if json:
            self.stdout.write(jsonlib.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(f"Tổng nội dung công việc: {result.total}")
        self.stdout.write(f"Nội dung đã thực hiện trong {reporting_period.label_for(year)}: {result.done}")
        self.stdout.write(f"Tỷ lệ hoàn thành kế hoạch: {result.rate}")
        for leaf in result.late:
            self.stdout.write(f"Chậm: {leaf.key} – {leaf.content[:80]}")
