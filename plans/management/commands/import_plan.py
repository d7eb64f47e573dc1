import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgs.command_args import unit_arg
from plans.command_args import add_plan_arguments
from plans.files.importing import ImportRefused, create_plan_from_import, import_parsed, parse_plan_file
from plans.files.uploads import MAX_UPLOAD_BYTES, SIZE_MESSAGE, ImportRejected
from plans.models import Plan


class Command(BaseCommand):
    help = (
        "Nhập bảng kế hoạch từ tệp .xlsx hoặc .docx (cùng bộ đọc với trang web): tạo kế hoạch của đơn vị cho năm đó "
        "nếu chưa có, hoặc thay bảng của kế hoạch đang là dự thảo / bị trả lại."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx hoặc .docx.")
        add_plan_arguments(parser)
        parser.add_argument("--dry-run", action="store_true", help="Chỉ đọc và báo lỗi, không ghi gì.")
        parser.add_argument("--json", action="store_true", help="In các mục đọc được dạng JSON ra stdout.")

    def handle(self, *args, file, unit, year, dry_run, **options):
        as_json = options["json"]
        found = unit_arg(unit)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(SIZE_MESSAGE)
        try:
            parsed = parse_plan_file(name=path.name, data=path.read_bytes())
        except ImportRejected as error:
            raise CommandError(str(error)) from error

        for problem in parsed.problems:
            self.stderr.write(f"{'Lỗi' if problem.blocking else 'Lưu ý'} – {problem}")
        if as_json:
            self.stdout.write(json.dumps(parsed.sections_data(), ensure_ascii=False, indent=2))
        if parsed.blocking:
            raise CommandError("Tệp còn lỗi cần sửa; chưa ghi gì.")
        if dry_run:
            if not as_json:
                self.stdout.write(
                    f"Đọc được {len(parsed.sections)} mục, {parsed.task_count} nội dung (chạy thử, chưa ghi gì)."
                )
            return

        plan = Plan.objects.latest_for(unit=found, year=year)
        try:
            if plan is None:
                plan = create_plan_from_import(unit=found, year=year, parsed=parsed)
                action = "Đã tạo kế hoạch"
            else:
                import_parsed(plan=plan, parsed=parsed, user=None)
                action = "Đã thay bảng của kế hoạch"
        except ImportRefused as error:
            raise CommandError(str(error)) from error
        message = f"{action} năm {year} – {found}: {len(parsed.sections)} mục, {parsed.task_count} nội dung."
        (self.stderr if as_json else self.stdout).write(message)
