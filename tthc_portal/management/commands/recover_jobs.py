from datetime import timedelta

from django.core.management.base import BaseCommand

from tthc_portal.jobs import QUEUED_GRACE, recover_lost_jobs


class Command(BaseCommand):
    help = (
        "Gửi lại các tác vụ (PDF kế hoạch, báo cáo) bị mất khỏi hàng đợi: đang chờ quá lâu, hoặc đang chạy quá "
        "thời gian "
        "tối đa (máy xử lý đã dừng). Trạng thái lấy từ cơ sở dữ liệu; chạy định kỳ hoặc sau khi Redis khởi động lại."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queued-minutes",
            type=int,
            default=int(QUEUED_GRACE.total_seconds() // 60),
            help="Gửi lại tác vụ đã chờ lâu hơn số phút này (mặc định %(default)s).",
        )

    def handle(self, *args, queued_minutes, **options):
        recovered = recover_lost_jobs(queued_for=timedelta(minutes=queued_minutes))
        self.stdout.write(
            f"Đã gửi lại {recovered['plan_pdf']} tác vụ PDF kế hoạch và {recovered['report']} tác vụ báo cáo."
        )
