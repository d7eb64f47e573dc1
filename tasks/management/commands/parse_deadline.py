import json

from django.core.management.base import BaseCommand

from tasks.deadlines import parse_deadline


class Command(BaseCommand):
    help = 'In ra ý nghĩa của một thời hạn viết tự do, ví dụ: parse_deadline --year 2024 "Quý II/2024".'

    def add_arguments(self, parser):
        parser.add_argument("text", help="Thời hạn như trong kế hoạch.")
        parser.add_argument(
            "--year", type=int, required=True, help="Năm của kế hoạch (dùng khi thời hạn không ghi năm)."
        )

    def handle(self, *args, text, year, **options):
        self.stdout.write(json.dumps(parse_deadline(text, year).as_dict(), ensure_ascii=False))
