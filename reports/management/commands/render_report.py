from pathlib import Path

from django.core.management.base import BaseCommand

from periods.command_args import period_arg
from plans.command_args import plan_arg
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
        reporting_period = period_arg(period)
        plan = plan_arg(unit, year)
        _, pdf, xlsx = build_report_files(plan=plan, period=reporting_period)
        if output.lower().endswith(".xlsx"):
            Path(output).write_bytes(xlsx)
            self.stdout.write(f"Đã ghi {output}.")
        else:
            Path(output).write_bytes(pdf.data)
            self.stdout.write(f"Đã ghi {output}: {pdf.pages} trang.")
