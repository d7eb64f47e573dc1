from pathlib import Path

from django.core.management.base import BaseCommand

from plans.command_args import plan_arg
from plans.pdf.documents import build_plan_pdf


class Command(BaseCommand):
    help = "Tạo PDF quyết định + kế hoạch + phụ lục của một đơn vị (chạy đồng bộ, cùng mã với tác vụ nền)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="Mã hoặc tên đơn vị, ví dụ “Lê Lợi”.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("-o", "--output", required=True, help="Tệp PDF sẽ ghi ra.")

    def handle(self, *args, unit, year, output, **options):
        plan = plan_arg(unit, year)
        result = build_plan_pdf(plan)
        Path(output).write_bytes(result.data)
        self.stdout.write(f"Đã ghi {output}: {result.pages} trang.")
