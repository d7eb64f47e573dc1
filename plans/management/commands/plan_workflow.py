import json
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from orgs.models import User
from plans.command_args import add_plan_arguments, plan_arg
from plans.models import SignedPlan
from plans.workflow import services

ACTIONS = ("submit", "approve", "return", "issue", "reopen")


class Command(BaseCommand):
    help = (
        "Chạy một bước quy trình (gửi, phê duyệt, trả lại, ban hành, mở lại) bằng đúng các dịch vụ mà trang web "
        "dùng, với quyền của --user, rồi in trạng thái kế hoạch dạng JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=ACTIONS)
        add_plan_arguments(parser, example="Hà Tân")
        parser.add_argument("--user", required=True, help="Tên đăng nhập của người thực hiện.")
        parser.add_argument("--date", help="Ngày ban hành YYYY-MM-DD (ban hành; mặc định hôm nay).")
        parser.add_argument("--number", type=int, help="Số quyết định (ban hành; mặc định số tiếp theo còn trống).")
        parser.add_argument("--comment", default="", help="Ý kiến (trả lại, phê duyệt) hoặc lý do (mở lại).")

    def handle(self, *args, action, unit, year, user, date=None, number=None, comment="", **options):
        plan = plan_arg(unit, year)
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"Không có người dùng đang hoạt động tên “{user}”.")
        try:
            with transaction.atomic():
                self._run(action, plan=plan, user=actor, day=_date(date), number=number, comment=comment)
        except (PermissionDenied, ValidationError) as refused:
            raise CommandError(_message(refused)) from None
        plan.refresh_from_db()
        decision = getattr(plan, "decision", None)
        signed = SignedPlan.objects.filter(plan=plan).first()
        self.stdout.write(
            json.dumps(
                {
                    "plan": plan.pk,
                    "unit": str(plan.unit),
                    "year": plan.year,
                    "revision": plan.revision,
                    "status": plan.status,
                    "status_label": plan.get_status_display(),
                    "decision_number": decision.number_text.strip() if decision and decision.number else None,
                    "issued_on": decision.issued_on.isoformat() if decision and decision.issued_on else None,
                    "signed": {"state": signed.state, "code": signed.code, "error": signed.error} if signed else None,
                },
                ensure_ascii=False,
            )
        )

    def _run(self, action, *, plan, user, day, number, comment):
        if action == "submit":
            services.submit_plan(plan=plan, user=user)
        elif action == "approve":
            services.approve_plan(plan=plan, user=user, comment=comment)
        elif action == "return":
            services.return_plan(plan=plan, user=user, comment=comment)
        elif action == "issue":
            services.issue_plan(plan=plan, user=user, issued_on=day or timezone.localdate(), number=number)
        else:
            services.reopen_plan(plan=plan, user=user, reason=comment)


def _date(text):
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Ngày “{text}” không đúng dạng YYYY-MM-DD.") from None


def _message(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
