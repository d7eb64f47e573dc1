from pathlib import Path

from django.core.management.base import BaseCommand

from plans.command_args import add_plan_arguments, plan_arg
from plans.pdf.word import plan_docx


class Command(BaseCommand):
    # A document from the command line starts fast: the project-wide system checks (every URLconf and
    # view imported, ~1 s) are `manage.py check`'s job, not this command's.
    requires_system_checks: list[str] = []
    help = (
        "Tạo tệp Word (.docx) quyết định + kế hoạch + phụ lục của một đơn vị, cùng nội dung và bố cục với bản PDF "
        "(Nghị định 30/2020/NĐ-CP)."
    )

    def add_arguments(self, parser):
        add_plan_arguments(parser)
        parser.add_argument("-o", "--output", required=True, help="Tệp .docx sẽ ghi ra.")

    def handle(self, *args, unit, year, output, **options):
        plan = plan_arg(unit, year)
        data = plan_docx(plan)
        Path(output).write_bytes(data)
        self.stdout.write(f"Đã ghi {output}: {len(data) // 1024} KB.")
