from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgs.services import UnitLookupError, find_unit
from plans.documents import build_plan_pdf
from plans.models import Plan


class Command(BaseCommand):
    help = "Tạo PDF quyết định + kế hoạch + phụ lục của một đơn vị (chạy đồng bộ, cùng mã với tác vụ nền)."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="Mã hoặc tên đơn vị, ví dụ “Lê Lợi”.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("-o", "--output", required=True, help="Tệp PDF sẽ ghi ra.")

    def handle(self, *args, unit, year, output, **options):
        try:
            found = find_unit(unit)
        except UnitLookupError as error:
            raise CommandError(str(error)) from error
        plan = Plan.objects.filter(unit=found, year=year).order_by("-revision").first()
        if plan is None:
            raise CommandError(f"{found} chưa có kế hoạch năm {year}.")
        result = build_plan_pdf(plan)
        Path(output).write_bytes(result.data)
        self.stdout.write(f"Đã ghi {output}: {result.pages} trang.")
