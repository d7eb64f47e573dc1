import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.command_args import add_plan_arguments, plan_arg
from plans.models import SignedPlan
from plans.pdf.documents import build_plan_pdf


class Command(BaseCommand):
    # A document from the command line starts fast: the project-wide system checks (every URLconf and
    # view imported, ~1 s) are `manage.py check`'s job, not this command's.
    requires_system_checks: list[str] = []
    help = (
        "Tạo PDF quyết định + kế hoạch + phụ lục của một đơn vị (chạy đồng bộ, cùng mã với tác vụ nền); với --signed: "
        "ghi ra đúng bản đã ký số của kế hoạch đã ban hành."
    )

    def add_arguments(self, parser):
        add_plan_arguments(parser)
        parser.add_argument("-o", "--output", required=True, help="Tệp PDF sẽ ghi ra.")
        parser.add_argument("--signed", action="store_true", help="Bản đã ký số được lưu khi ban hành.")

    def handle(self, *args, unit, year, output, signed=False, **options):
        plan = plan_arg(unit, year)
        if signed:
            job = SignedPlan.objects.filter(plan=plan).select_related("document").first()
            if job is None or not job.is_ready:
                reason = f" ({job.error})" if job and job.error else ""
                raise CommandError(f"{plan} chưa có bản đã ký số{reason}.")
            data = job.document.file.read()
            if hashlib.sha256(data).hexdigest() != job.document.sha256:
                raise CommandError("Tệp lưu trữ không còn khớp với bản đã phát hành: hãy báo quản trị hệ thống.")
            Path(output).write_bytes(data)
            self.stdout.write(f"Đã ghi {output}: bản đã ký số của văn bản số {job.document.number_text}.")
            return
        result = build_plan_pdf(plan)
        Path(output).write_bytes(result.data)
        self.stdout.write(f"Đã ghi {output}: {result.pages} trang.")
