"""Review comments on a plan or on one of its rows, the answers to them, and marking them resolved.

| who                                 | may                                             | while                |
|-------------------------------------|-------------------------------------------------|----------------------|
| reviewer of a unit above the plan's | comment (on the plan or a row), answer a thread | submitted            |
| editor of the plan's unit itself    | answer a thread, mark it resolved               | any state but issued |
| the author of a comment             | mark their own comment resolved                 | any state but issued |

A thread is a top-level comment with its answers; an answer to an answer joins the same thread.
An issued plan is locked: its comments are read-only. An answer tells the thread's other
participants (an inbox line, no e-mail); a new reviewer comment tells nobody by itself, as the
return or approval that follows it does.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import Truncator

from orgs.audit import record as audit
from orgs.models import AuditEvent, Membership
from orgs.scoping import own_roles, reviews_from_above
from plans.models import Plan, PlanComment
from plans.workflow import notifications
from plans.workflow.services import plan_name

Action = AuditEvent.Action

Status = Plan.Status
MAX_LENGTH = 5000


# --- rules ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rights:
    """What one user may do with one plan's comments (computed once per page, not once per row)."""

    user_id: int | None
    issued: bool
    can_comment: bool
    can_answer: bool
    is_editor: bool

    def can_resolve(self, comment):
        if self.issued or comment.parent_id is not None or comment.resolved_at is not None:
            return False
        return self.is_editor or (comment.author_id is not None and comment.author_id == self.user_id)


def rights(user, plan):
    is_editor = Membership.Role.EDITOR in own_roles(user, plan.unit)
    comment = plan.status == Status.SUBMITTED and reviews_from_above(user, plan.unit)
    issued = plan.status == Status.ISSUED
    return Rights(
        user_id=user.pk,
        issued=issued,
        can_comment=comment,
        can_answer=not issued and (is_editor or comment),
        is_editor=is_editor,
    )


def can_comment(user, plan):
    return rights(user, plan).can_comment


def can_answer(user, plan):
    return rights(user, plan).can_answer


def can_resolve(user, comment, plan=None):
    return rights(user, plan or comment.plan).can_resolve(comment)


# --- reading --------------------------------------------------------------------------------------


def threads(plan):
    """The plan's top-level comments, oldest first, each with `answer_list` (oldest first)."""
    answers = PlanComment.objects.select_related("author").order_by("created_at", "pk")
    return list(
        PlanComment.objects.filter(plan=plan, parent__isnull=True)
        .select_related("author", "resolved_by", "task")
        .prefetch_related(Prefetch("answers", queryset=answers, to_attr="answer_list"))
        .order_by("created_at", "pk")
    )


def threads_by_task(plan):
    """{task id or None (the whole plan): [threads]}."""
    grouped = {}
    for thread in threads(plan):
        grouped.setdefault(thread.task_id, []).append(thread)
    return grouped


def open_count(plan):
    return PlanComment.objects.filter(plan=plan, parent__isnull=True, resolved_at__isnull=True).count()


# --- changes --------------------------------------------------------------------------------------


def _text(text):
    text = (text or "").strip()
    if not text:
        raise ValidationError("Hãy nhập nội dung ý kiến.", code="required")
    if len(text) > MAX_LENGTH:
        raise ValidationError(f"Ý kiến dài quá {MAX_LENGTH} ký tự.", code="max_length")
    return text


def _locked(plan):
    return Plan.objects.select_for_update().select_related("unit").get(pk=plan.pk)


def task_label(task):
    """How a row is named in a comment: "II.3 Rà soát …" (kept when the row is deleted later)."""
    number = "" if task.is_bullet else task.number
    label = f"{task.section.number}.{number}".rstrip(".") + f" {task.content}"
    return label if len(label) <= 300 else label[:299] + "…"


def add_comment(*, plan, user, text, task=None, request=None):
    """A reviewer's comment on the whole plan, or on one row (`task`) of it."""
    with transaction.atomic():
        locked = _locked(plan)
        if not reviews_from_above(user, locked.unit):
            raise PermissionDenied(f"Chỉ cán bộ thẩm định của đơn vị cấp trên {locked.unit} được góp ý kế hoạch.")
        if locked.status != Status.SUBMITTED:
            raise ValidationError("Chỉ góp ý khi kế hoạch đang chờ thẩm định.", code="state")
        text = _text(text)
        if task is not None and task.section.plan_id != locked.pk:
            raise ValidationError("Dòng được góp ý không thuộc kế hoạch này.", code="task")
        comment = PlanComment.objects.create(
            plan=locked,
            task=task,
            task_label=task_label(task) if task else "",
            author=user,
            text=text,
            plan_version=locked.version,
        )
        audit(
            actor=user,
            action=Action.PLAN_COMMENT,
            target=comment,
            request=request,
            plan=locked.pk,
            task=getattr(task, "pk", None),
        )
    return comment


def answer_comment(*, comment, user, text, request=None):
    """An answer in the comment's thread (the commune editor any time before issue; a reviewer above
    while the plan is under review)."""
    root = comment.parent or comment
    with transaction.atomic():
        locked = _locked(root.plan)
        if not can_answer(user, locked):
            if locked.status == Status.ISSUED:
                raise ValidationError("Kế hoạch đã ban hành: không trả lời ý kiến được nữa.", code="state")
            raise PermissionDenied(
                f"Chỉ công chức soạn thảo của {locked.unit} hoặc cán bộ thẩm định được trả lời ý kiến."
            )
        text = _text(text)
        answer = PlanComment.objects.create(
            plan=locked,
            task=root.task,
            task_label=root.task_label,
            parent=root,
            author=user,
            text=text,
            plan_version=locked.version,
        )
        participants = [root.author, *(a.author for a in root.answers.exclude(pk=answer.pk).select_related("author"))]
        where = f" về dòng “{Truncator(root.task_label).chars(60)}”" if root.task_label else ""
        notifications.notify(
            plan=locked,
            verb=notifications.Verb.COMMENTED,
            actor=user,
            request=request,
            email=False,
            recipients=[p for p in participants if p is not None],
            text=(
                f"{user.full_name or user.username} đã trả lời ý kiến{where} ({plan_name(locked)}): "
                f"{Truncator(text).chars(200)}"
            ),
        )
        audit(
            actor=user,
            action=Action.PLAN_COMMENT_ANSWER,
            target=answer,
            request=request,
            plan=locked.pk,
            thread=root.pk,
        )
    return answer


def resolve_comment(*, comment, user, request=None):
    """The commune editor (or the comment's author) marks a thread resolved."""
    root = comment.parent or comment
    with transaction.atomic():
        locked = _locked(root.plan)
        root = PlanComment.objects.select_for_update().get(pk=root.pk)
        if locked.status == Status.ISSUED:
            raise ValidationError("Kế hoạch đã ban hành: ý kiến không thay đổi được nữa.", code="state")
        if root.resolved_at is not None:
            raise ValidationError("Ý kiến này đã được đánh dấu đã xử lý.", code="resolved")
        if not can_resolve(user, root, locked):
            raise PermissionDenied(
                f"Chỉ công chức soạn thảo của {locked.unit} hoặc người viết ý kiến được đánh dấu đã xử lý."
            )
        root.resolved_at, root.resolved_by = timezone.now(), user
        root.save(update_fields=["resolved_at", "resolved_by"])
        audit(actor=user, action=Action.PLAN_COMMENT_RESOLVE, target=root, request=request, plan=locked.pk)
    return root
