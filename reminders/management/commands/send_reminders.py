import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders.services import run


class Command(BaseCommand):
    help = (
        "Gửi bản nhắc việc hằng ngày (cùng mã với tác vụ Celery beat): mỗi người một bản mỗi ngày, không gửi lại. "
        "--dry-run: chỉ tính, không ghi gì; --json: in kết quả dạng JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Ngày tính nhắc việc, YYYY-MM-DD (mặc định: hôm nay).")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, today=None, dry_run=False, json=False, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError("Ngày phải có dạng YYYY-MM-DD, ví dụ 2024-06-24.") from None
        result = run(day, dry_run=dry_run)
        if json:
            payload = {"digests": [{"user": user.username, "items": items} for user, items, _ in result]}
            self.stdout.write(_dumps(payload))
            return
        if dry_run:
            self.stdout.write(f"{len(result)} người có việc cần nhắc ngày {day:%d/%m/%Y} (chạy thử: không gửi).")
        else:
            sent = sum(sent for _, _, sent in result)
            self.stdout.write(f"{len(result)} người có việc cần nhắc ngày {day:%d/%m/%Y}; đã gửi {sent} bản nhắc mới.")


def _dumps(payload):
    return json.dumps(payload, ensure_ascii=False, indent=1)
