from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgs.services import UnitLookupError, find_unit
from plans.models import Plan
from reports.models import ReportingPeriod
from reports.services import build_report_files


class Command(BaseCommand):
    help = (
        "Tạo báo cáo kết quả thực hiện kế hoạch của một đơn vị cho một kỳ (chạy đồng bộ, cùng mã với tác vụ nền): "
        "tệp PDF, hoặc Excel khi tên tệp kết thúc bằng .xlsx."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="Mã hoặc tên đơn vị, ví dụ “Thanh Thủy”.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--period", required=True, help="Q1, Q2, 6M, Q3, 9M, Q4 hoặc Y.")
        parser.add_argument("-o", "--output", required=True, help="Tệp sẽ ghi ra (.pdf hoặc .xlsx).")

    def handle(self, *args, unit, year, period, output, **options):
        try:
            found = find_unit(unit)
        except UnitLookupError as error:
            raise CommandError(str(error)) from error
        reporting_period = ReportingPeriod.objects.filter(code=period.strip().upper()).first()
        if reporting_period is None:
            codes = ", ".join(ReportingPeriod.objects.values_list("code", flat=True))
            raise CommandError(f"Không có kỳ báo cáo “{period}”. Các kỳ: {codes}.")
        plan = Plan.objects.filter(unit=found, year=year).select_related("unit__parent").order_by("-revision").first()
        if plan is None:
            raise CommandError(f"{found} chưa có kế hoạch năm {year}.")
        _, pdf, xlsx = build_report_files(plan=plan, period=reporting_period)
        if output.lower().endswith(".xlsx"):
            Path(output).write_bytes(xlsx)
            self.stdout.write(f"Đã ghi {output}.")
        else:
            Path(output).write_bytes(pdf.data)
            self.stdout.write(f"Đã ghi {output}: {pdf.pages} trang.")
