from pathlib import Path

from django.core.management.base import BaseCommand

from orgs.command_args import unit_arg
from periods.command_args import period_arg
from plans.command_args import add_plan_arguments, plan_arg
from reports.consolidated_files import build_files as build_consolidated_files
from reports.services import build_report_files


class Command(BaseCommand):
    # A document from the command line starts fast: the project-wide system checks (every URLconf and
    # view imported, ~1 s) are `manage.py check`'s job, not this command's.
    requires_system_checks: list[str] = []
    help = (
        "Tạo báo cáo kết quả thực hiện kế hoạch của một đơn vị cho một kỳ (chạy đồng bộ, cùng mã với tác vụ nền): "
        "tệp PDF, hoặc Excel khi tên tệp kết thúc bằng .xlsx. Với đơn vị cấp huyện, tỉnh (không phải xã): báo cáo "
        "tổng hợp của các xã trực thuộc."
    )

    def add_arguments(self, parser):
        add_plan_arguments(parser, example="Thanh Thủy”, “Hà Trung")
        parser.add_argument("--period", required=True, help="Q1, Q2, 6M, Q3, 9M, Q4 hoặc Y.")
        parser.add_argument("-o", "--output", required=True, help="Tệp sẽ ghi ra (.pdf hoặc .xlsx).")

    def handle(self, *args, unit, year, period, output, **options):
        reporting_period = period_arg(period)
        found = unit_arg(unit)
        if found.is_commune_level:
            _, pdf, xlsx = build_report_files(plan=plan_arg(unit, year), period=reporting_period)
        else:
            _, pdf, xlsx = build_consolidated_files(unit=found, year=year, period=reporting_period)
        if output.lower().endswith(".xlsx"):
            Path(output).write_bytes(xlsx)
            self.stdout.write(f"Đã ghi {output}.")
        else:
            Path(output).write_bytes(pdf.data)
            self.stdout.write(f"Đã ghi {output}: {pdf.pages} trang.")
