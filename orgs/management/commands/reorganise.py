import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgs.reorganisation import ReorganisationError, parse_file, reorganise


class Command(BaseCommand):
    help = (
        "Tổ chức lại cây đơn vị theo tệp JSON (giải thể, hợp nhất, chuyển, đổi tên; chuyển thành viên), "
        "áp dụng toàn bộ hoặc không áp dụng gì, có ghi nhật ký. Xem orgs/reorganisation.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help='Tệp JSON: {"effective": "2025-07-01", "operations": [...]}')
        parser.add_argument("--dry-run", action="store_true", help="Chỉ cho biết sẽ thay đổi gì, không ghi.")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args, file, dry_run=False, **options):
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {file}: {error.strerror}.") from error
        try:
            result = reorganise(parse_file(text), dry_run=dry_run)
        except ReorganisationError as error:
            raise CommandError(str(error)) from error
        if options.get("json"):
            self.stdout.write(_json(result.as_dict()))
            return
        verb = "Đã áp dụng" if result.applied else "Sẽ áp dụng (chạy thử, chưa ghi gì)"
        self.stdout.write(f"{verb} tổ chức lại có hiệu lực từ {result.effective:%d/%m/%Y}:")
        for line in result.changes:
            self.stdout.write(f"- {line}")


def _json(data):
    return json.dumps(data, ensure_ascii=False, indent=2)
