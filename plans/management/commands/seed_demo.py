import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from indicators.services import load_catalogue
from orgs.models import Unit
from orgs.services import ensure_demo_users, load_units
from plans.loading import load_plan
from plans.models import Plan
from reports.models import ReportingPeriod
from reports.periods import ensure_periods

FIXTURES = settings.BASE_DIR / "fixtures"


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu từ fixtures/: cây đơn vị, danh mục chỉ tiêu, các kế hoạch thật và tài khoản demo. Chạy lại nhiều lần không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Xóa và nạp lại các kế hoạch mẫu (mất mọi chỉnh sửa trên chúng).")

    @transaction.atomic
    def handle(self, *args, reset=False, **options):
        ensure_periods(ReportingPeriod)
        units = load_units(_read(FIXTURES / "units.json"))
        load_catalogue(_read(FIXTURES / "indicators.json"))
        loaded = kept = 0
        for path in sorted((FIXTURES / "plans").glob("*.json")):
            data = _read(path)
            unit = units[data["unit"]]
            existing = Plan.objects.filter(unit=unit, year=data["year"], revision=1)
            if existing.exists() and not reset:
                kept += 1
                continue
            existing.delete()
            load_plan(data, unit=unit)
            loaded += 1
        ensure_demo_users(password=settings.DEMO_PASSWORD, units=Unit.objects.all())
        self.stdout.write(
            f"Đã nạp {len(units)} đơn vị, {loaded} kế hoạch mới ({kept} kế hoạch đã có được giữ nguyên) "
            f"và tài khoản demo (mật khẩu {settings.DEMO_PASSWORD})."
        )


def _read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))
