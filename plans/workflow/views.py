"""The workflow's pages and endpoints: the steps (submit, return, approve, issue, reopen, new
revision), the review page with comments beside the rows, and the inbox.

Views are thin: a form reads the input, plans.workflow.services / plans.workflow.comments decide and change, and the
view answers. A step posted through htmx answers with a client redirect on success (the whole page
changes: status, locks, buttons) or with the actions fragment again, the input kept and the reason
shown, when the step was refused. Without JavaScript the same forms post normally.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from plans.access import plan_view, visible_plan_or_404
from plans.models import Notification, Plan, PlanComment
from plans.workflow import comments, notifications, rules
from plans.workflow import services as workflow
from tasks.models import Task
from tasks.selectors import flatten, plan_table

Status = Plan.Status


# --- forms ----------------------------------------------------------------------------------------


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Lý do trả lại",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=comments.MAX_LENGTH,
        error_messages={"required": "Hãy ghi lý do trả lại (những gì đơn vị cần sửa)."},
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="Ý kiến (không bắt buộc)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=comments.MAX_LENGTH,
    )


class IssueForm(forms.Form):
    number = forms.IntegerField(
        label="Số quyết định",
        required=False,
        min_value=1,
        max_value=99999,
        help_text="Để trống: lấy số tiếp theo còn trống của đơn vị trong năm.",
        error_messages={
            "invalid": "Số quyết định phải là số nguyên dương.",
            "min_value": "Số quyết định phải từ 1 trở lên.",
        },
    )
    issued_on = forms.DateField(
        label="Ngày ban hành",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Hãy nhập ngày ban hành.", "invalid": "Ngày ban hành không đúng (ngày/tháng/năm)."},
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Lý do mở lại",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=comments.MAX_LENGTH,
        error_messages={"required": "Hãy ghi lý do mở lại kế hoạch."},
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Ý kiến",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=comments.MAX_LENGTH,
        error_messages={"required": "Hãy nhập nội dung ý kiến."},
    )
    task = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="Trả lời",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=comments.MAX_LENGTH,
        error_messages={"required": "Hãy nhập nội dung trả lời."},
    )


STEP_FORMS = {"return": ReturnForm, "approve": ApproveForm, "issue": IssueForm, "reopen": ReopenForm}

NEXT_STEP = {
    Status.DRAFT: "Dự thảo: công chức soạn thảo của xã gửi thẩm định khi hoàn thành.",
    Status.SUBMITTED: "Đang chờ cán bộ thẩm định cấp trên góp ý, trả lại hoặc phê duyệt.",
    Status.RETURNED: "Bị trả lại: công chức soạn thảo sửa theo ý kiến rồi gửi thẩm định lại.",
    Status.APPROVED: "Đã phê duyệt: chờ người ký của xã ban hành (số và ngày quyết định).",
    Status.ISSUED: "Đã ban hành: kế hoạch bị khóa; mọi thay đổi là một lần ban hành mới với quyết định riêng.",
}


# --- what the fragments show ------------------------------------------------------------------------


def actions_context(*, user, plan, next_url, bound=None, error=""):
    """Context of templates/plans/workflow/_actions.html. `bound` = {action: bound form} after a
    refused post, so the user's input comes back with the reason."""
    allowed = rules.allowed_actions(user, plan)
    bound = bound or {}
    step_forms = {}
    for action, form_class in STEP_FORMS.items():
        if action in allowed:
            step_forms[action] = bound.get(action) or form_class()
    if "issue" in allowed:  # the date box offers the dates the plan may be issued on, the latest first
        earliest, latest = workflow.issue_date_bounds(plan)
        issue_form = step_forms["issue"]
        issue_form.fields["issued_on"].widget.attrs.update(min=f"{earliest:%Y-%m-%d}", max=f"{latest:%Y-%m-%d}")
        if not issue_form.is_bound:
            issue_form.initial = {"issued_on": latest}
    context = {
        "plan": plan,
        "allowed": allowed,
        "forms": step_forms,
        "error": error,
        "next": next_url,
        "next_step": NEXT_STEP.get(plan.status, ""),
        "blocked": "",
    }
    if "issue" in allowed:  # the number a blank box gives, for the year of the date entered (or this year)
        form = step_forms["issue"]
        year = form.cleaned_data["issued_on"].year if form.is_bound and form.is_valid() else timezone.localdate().year
        context["suggested_year"] = year
        context["suggested_number"] = workflow.next_decision_number(unit=plan.unit, year=year)
    if plan.status == Status.SUBMITTED and "approve" not in allowed and rules.reviews_from_above(user, plan.unit):
        try:  # a reviewer above who may not approve (four eyes): say why
            rules.check_approve(user, plan)
        except (PermissionDenied, ValidationError) as refusal:
            context["blocked"] = _message(refusal)
    return context


def history_context(plan):
    return {"plan": plan, "transitions": plan.transitions.select_related("user").order_by("created_at", "pk")}


def _message(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _next_url(request, plan):
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("plans:comments", args=[plan.pk])


# --- the steps ------------------------------------------------------------------------------------


def _step(request, pk, action, run, success):
    """Run one workflow step posted from the actions fragment. `run(plan, cleaned_data)` calls the
    service; `success(result)` is the message for the user."""
    plan = visible_plan_or_404(request, pk)
    next_url = _next_url(request, plan)
    form_class = STEP_FORMS.get(action)
    form = form_class(request.POST) if form_class else None
    try:
        if form is not None and not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        result = run(plan, form.cleaned_data if form is not None else {})
    except PermissionDenied as denied:
        if not request.htmx:
            raise
        messages.error(request, _message(denied))
        return HttpResponseClientRedirect(next_url)
    except ValidationError as refused:
        if not request.htmx:
            messages.error(request, _message(refused))
            return redirect(next_url)
        plan.refresh_from_db()
        context = actions_context(
            user=request.user,
            plan=plan,
            next_url=next_url,
            bound={action: form} if form else None,
            error=_message(refused),
        )
        return render(request, "plans/workflow/_actions.html", context)
    messages.success(request, success(result))
    target = reverse("plans:detail", args=[result.pk]) if action == "new_revision" else next_url
    return HttpResponseClientRedirect(target) if request.htmx else HttpResponseRedirect(target)


@require_POST
def submit(request, pk):
    return _step(
        request,
        pk,
        "submit",
        lambda plan, data: workflow.submit_plan(plan=plan, user=request.user, request=request),
        lambda plan: "Đã gửi kế hoạch đi thẩm định. Trong khi chờ thẩm định, kế hoạch không sửa được.",
    )


@require_POST
def return_(request, pk):
    return _step(
        request,
        pk,
        "return",
        lambda plan, data: workflow.return_plan(plan=plan, user=request.user, comment=data["comment"], request=request),
        lambda plan: f"Đã trả lại kế hoạch cho {plan.unit}.",
    )


@require_POST
def approve(request, pk):
    return _step(
        request,
        pk,
        "approve",
        lambda plan, data: workflow.approve_plan(
            plan=plan, user=request.user, comment=data["comment"], request=request
        ),
        lambda plan: "Đã phê duyệt kế hoạch.",
    )


@require_POST
def issue(request, pk):
    return _step(
        request,
        pk,
        "issue",
        lambda plan, data: workflow.issue_plan(
            plan=plan, user=request.user, number=data["number"], issued_on=data["issued_on"], request=request
        ),
        lambda plan: f"Đã ban hành: Quyết định số {plan.decision.number_text} ngày {plan.decision.issued_on:%d/%m/%Y}.",
    )


@require_POST
def reopen(request, pk):
    return _step(
        request,
        pk,
        "reopen",
        lambda plan, data: workflow.reopen_plan(plan=plan, user=request.user, reason=data["reason"], request=request),
        lambda plan: "Đã mở lại kế hoạch; đơn vị sửa rồi gửi thẩm định lại.",
    )


@require_POST
def new_revision(request, pk):
    return _step(
        request,
        pk,
        "new_revision",
        lambda plan, data: workflow.new_revision(plan=plan, user=request.user, request=request),
        lambda plan: f"Đã lập lần ban hành {plan.revision} (dự thảo) từ kế hoạch đã ban hành.",
    )


# --- the review page and its comments ----------------------------------------------------------------


@require_GET
@plan_view
def review(request, plan):
    """The plan's review page: status and steps, history, comments on the plan and beside each row."""
    sections = plan_table(plan)
    for section in sections:
        section.print_rows = list(flatten(section.rows))
    context = {
        "plan": plan,
        "sections": sections,
        "open_count": comments.open_count(plan),
        "next": request.get_full_path(),
    }
    return render(request, "plans/workflow/review.html", context)


def _comment_of(plan, comment_pk):
    return get_object_or_404(PlanComment.objects.select_related("parent", "task"), plan=plan, pk=comment_pk)


@require_POST
@plan_view
def comment_add(request, plan):
    form = CommentForm(request.POST)
    task = None
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        if form.cleaned_data["task"]:
            task = (
                Task.objects.select_related("section").filter(section__plan=plan, pk=form.cleaned_data["task"]).first()
            )
            if task is None:
                raise ValidationError("Dòng được góp ý không thuộc kế hoạch này.")
        comments.add_comment(plan=plan, user=request.user, text=form.cleaned_data["text"], task=task, request=request)
    except PermissionDenied:
        raise
    except ValidationError as refused:
        if not request.htmx:
            messages.error(request, _message(refused))
            return redirect("plans:comments", pk=plan.pk)
        context = _fresh_row_context(request, plan, task, form=form, error=_message(refused))
        return render(request, "plans/workflow/_row_comments.html", context)
    if not request.htmx:
        messages.success(request, "Đã ghi ý kiến.")
        return redirect("plans:comments", pk=plan.pk)
    return render(request, "plans/workflow/_row_comments.html", _fresh_row_context(request, plan, task))


def _page_cache(plan, user):
    """Threads and rights computed once per page and kept on the plan object, so a table of many
    rows each including its comments costs three queries, not three per row."""
    key = user.pk
    cache = plan.__dict__.setdefault("_workflow_comment_cache", {})
    if key not in cache:
        cache[key] = (comments.threads_by_task(plan), comments.rights(user, plan))
    return cache[key]


def row_has_nothing(*, user, plan, task=None):
    """No comment on the row, and this user may not add one: row_context would show an empty block."""
    by_task, rights = _page_cache(plan, user)
    return not by_task.get(task.pk if task else None) and not rights.can_comment


def row_comments_html(*, user, plan, task=None, csrf_token=None):
    """templates/plans/workflow/_row_comments.html for one row (or the whole plan, task None). Most
    rows have nothing to show and nothing to add: their empty block is written without a template."""
    if row_has_nothing(user=user, plan=plan, task=task):
        return format_html(
            '<div class="row-comments is-empty" id="comments-{}" aria-label="{}"></div>',
            f"task-{task.pk}" if task else f"plan-{plan.pk}",
            f"Ý kiến về dòng {task.number}" if task else "Ý kiến về toàn bộ kế hoạch",
        )
    context = {**row_context(user=user, plan=plan, task=task), "csrf_token": csrf_token}
    return render_to_string("plans/workflow/_row_comments.html", context)


@dataclass(frozen=True)
class _SlotRow:
    """What a row's comment block needs of its row (a slot carries no Task)."""

    pk: int
    number: str


_SLOT = re.compile(r"<!--row-comments:(\d+):([^>]*)-->")


def comment_slot(task):
    """A place for a row's comments in HTML kept for every viewer (the plan page's cached document)."""
    return format_html("<!--row-comments:{}:{}-->", task.pk, quote(task.number or "", safe=""))


def fill_comment_slots(html, *, user, plan, csrf_token=None):
    """`html` with each comment_slot replaced by that row's comments for `user`."""
    filled = _SLOT.sub(
        lambda match: row_comments_html(
            user=user, plan=plan, task=_SlotRow(int(match[1]), unquote(match[2])), csrf_token=csrf_token
        ),
        html,
    )
    return mark_safe(filled)  # the slots are replaced by HTML escaped by format_html or a template


def row_context(*, user, plan, task=None, form=None, error=""):
    """Context of templates/plans/workflow/_row_comments.html: one row's threads (task None: the
    comments on the whole plan, and those on rows deleted since) and, for a reviewer while the plan
    is under review, a form to add one."""
    by_task, rights = _page_cache(plan, user)
    threads = by_task.get(task.pk if task else None, [])
    for thread in threads:
        thread.can_resolve = rights.can_resolve(thread)
    return {
        "plan": plan,
        "task": task,
        "threads": threads,
        "rights": rights,
        "comment_form": form or CommentForm(initial={"task": task.pk if task else None}),
        "answer_form": AnswerForm(),
        "error": error,
    }


def _fresh_row_context(request, plan, task, **kwargs):
    plan.refresh_from_db()
    plan.__dict__.pop("_workflow_comment_cache", None)
    return {
        **row_context(user=request.user, plan=plan, task=task, **kwargs),
        "oob_open_count": _open_count_oob(request, plan),
    }


def _open_count_oob(request, plan):
    """The open-thread count to refresh out of band, only on the review page (which shows it)."""
    current = urlsplit(request.htmx.current_url or "").path if request.htmx else ""
    return comments.open_count(plan) if current == reverse("plans:comments", args=[plan.pk]) else None


@require_POST
@plan_view
def comment_answer(request, plan, comment_pk):
    comment = _comment_of(plan, comment_pk)
    root = comment.parent or comment
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        comments.answer_comment(comment=comment, user=request.user, text=form.cleaned_data["text"], request=request)
    except ValidationError as refused:
        if not request.htmx:
            messages.error(request, _message(refused))
            return redirect("plans:comments", pk=plan.pk)
        return _render_thread(request, plan, root.pk, form=form, error=_message(refused))
    if not request.htmx:
        messages.success(request, "Đã gửi trả lời.")
        return redirect("plans:comments", pk=plan.pk)
    return _render_thread(request, plan, root.pk)


@require_POST
@plan_view
def comment_resolve(request, plan, comment_pk):
    comment = _comment_of(plan, comment_pk)
    root = comment.parent or comment
    try:
        comments.resolve_comment(comment=comment, user=request.user, request=request)
    except ValidationError as refused:
        if not request.htmx:
            messages.error(request, _message(refused))
            return redirect("plans:comments", pk=plan.pk)
        return _render_thread(request, plan, root.pk, error=_message(refused))
    if not request.htmx:
        messages.success(request, "Đã đánh dấu ý kiến đã xử lý.")
        return redirect("plans:comments", pk=plan.pk)
    return _render_thread(request, plan, root.pk)


def _render_thread(request, plan, thread_pk, *, form=None, error=""):
    plan.refresh_from_db()
    rights = comments.rights(request.user, plan)
    thread = next(thread for thread in comments.threads(plan) if thread.pk == thread_pk)
    thread.can_resolve = rights.can_resolve(thread)
    context = {
        "plan": plan,
        "thread": thread,
        "rights": rights,
        "answer_form": form or AnswerForm(),
        "thread_error": error,
        "oob_open_count": _open_count_oob(request, plan),
    }
    return render(request, "plans/workflow/_thread.html", context)


# --- the inbox ------------------------------------------------------------------------------------


@require_GET
def inbox(request):
    page = Paginator(notifications.inbox_for(request.user), 30).get_page(request.GET.get("trang"))
    return render(
        request, "plans/workflow/inbox.html", {"page": page, "unread_here": notifications.unread_count(request.user)}
    )


@require_GET
def inbox_open(request, notification_pk):
    """Opening a notification marks it read and leads to its plan (if the user still sees it)."""
    notification = get_object_or_404(Notification, pk=notification_pk, recipient=request.user)
    notifications.mark_read(notification=notification, user=request.user)
    if notification.link.startswith("/"):  # a line about several plans: its own page (the portal's path)
        return redirect(notification.link)
    if not Plan.objects.visible_to(request.user).filter(pk=notification.plan_id).exists():
        messages.error(request, "Bạn không còn quyền xem kế hoạch của thông báo này.")
        return redirect("plans:inbox")
    return redirect("plans:comments", pk=notification.plan_id)


@require_POST
def inbox_read_all(request):
    count = notifications.mark_all_read(user=request.user)
    messages.success(request, f"Đã đánh dấu đã đọc {count} thông báo." if count else "Không còn thông báo chưa đọc.")
    return redirect("plans:inbox")
