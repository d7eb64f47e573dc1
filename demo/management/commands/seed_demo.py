from django.conf import settings
from django.core.management.base import BaseCommand

from demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu từ fixtures/: cây đơn vị, danh mục chỉ tiêu, các kế hoạch thật và tài khoản demo. Chạy "
        "lại nhiều lần không tạo trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Xóa và nạp lại các kế hoạch mẫu (mất mọi chỉnh sửa trên chúng)."
        )

    def handle(self, *args, reset=False, **options):
        units, loaded, kept = seed_demo(reset=reset)
        self.stdout.write(
            f"Đã nạp {len(units)} đơn vị, {loaded} kế hoạch mới ({kept} kế hoạch đã có được giữ nguyên) "
            f"và tài khoản demo (mật khẩu {settings.DEMO_PASSWORD})."
        )
