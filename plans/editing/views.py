"""The plan editor: a page with the decision's parts in cards and the task table edited row by row
with htmx. The views are thin: forms read the input, plans.editing.services changes the plan, and every
htmx endpoint answers with the fragment it replaces. A refused save answers 200 with the form again,
the user's text kept and the messages next to the fields.

Two people editing the same thing: each form carries the revision (rows, sections, the decision) or
token (the decision's lists, the table heading) it was loaded with. When someone else saved in
between, the save is refused (plans.editing.services.EditConflict): the form comes back with the user's text,
an alert saying who changed it and when, the other person's values next to each field that differs,
and the current revision, so that saving again knowingly replaces the other change."""

import re
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from plans.access import forbidden, plan_view
from plans.editing import conflicts
from plans.editing import services as editing
from plans.editing.forms import (
    ArticleFormSet,
    CreatePlanForm,
    DecisionForm,
    LegalBasisFormSet,
    RecipientFormSet,
    SectionForm,
    TableHeadingForm,
    TaskForm,
    apply_list_op,
    autofocus,
)
from plans.history.diff import row_field_labels
from plans.models import Decision
from plans.permissions import can_edit_plan
from plans.selectors import creatable_units
from tasks.deadlines import parse_deadline
from tasks.models import Section, Task
from tasks.selectors import flatten, plan_table

# Look the plan up among those the user may see (404 otherwise) and require that they may edit it (a
# Vietnamese 403 page otherwise); services refusing a change answer the same way (plans.access).
editing_view = plan_view(require=can_edit_plan, denied=editing.denied_message)


# --- reading the table as the editor shows it ------------------------------------------------------


def _annotate(rows):
    for task in rows:
        _annotate(task.subitems)
        task.last_row_pk = task.subitems[-1].last_row_pk if task.subitems else task.pk
        task.descendant_count = sum(1 + child.descendant_count for child in task.subitems)


def _table(plan):
    """The plan's sections, each with `print_rows` [(task, depth)]; each task knows the last row of
    its subtree (where a new sibling or sub-item goes) and how many rows it holds."""
    sections = plan_table(plan)
    for section in sections:
        _annotate(section.rows)
        section.print_rows = list(flatten(section.rows))
        section.row_count = len(section.print_rows)
    return sections


def _section_in(sections, section_pk):
    for section in sections:
        if section.pk == section_pk:
            return section
    raise Http404("Không tìm thấy mục này.")


def _row_in(sections, task_pk):
    for section in sections:
        for task, depth in section.print_rows:
            if task.pk == task_pk:
                return section, task, depth
    raise Http404("Không tìm thấy nội dung này.")


def _get_section(plan, pk):
    return get_object_or_404(Section.objects.select_related("plan"), pk=pk, plan=plan)


def _get_task(plan, pk):
    tasks = Task.objects.select_related("section", "section__plan", "parent")
    return get_object_or_404(tasks, pk=pk, section__plan=plan)


def _optional_task(plan, value, section):
    if not value:
        return None
    if not str(value).isdigit():
        raise Http404("Không tìm thấy nội dung này.")
    return get_object_or_404(Task, pk=int(value), section=section, section__plan=plan)


def _meaning(plan, text):
    """What the deadline preview shows for `text`."""
    text = (text or "").strip()
    deadline = parse_deadline(text, plan.year)
    return {"text": text, "meaning": deadline, "problem": editing.deadline_problem(deadline, year=plan.year)}


def _posted_int(value):
    return int(value) if value is not None and str(value).isdigit() else None


def _was_in_plan(plan, model, pk):
    """Whether the deleted row or section `pk` belonged to `plan` (from its history): who deleted a row
    of another unit's plan, and when, is none of this user's business."""
    record = model.history.filter(id=pk).order_by("-history_date").first()
    if record is None:
        return False
    if model is Section:
        return record.plan_id == plan.pk
    section = record.section_id
    return (
        Section.objects.filter(pk=section, plan=plan).exists()
        or Section.history.filter(id=section, plan_id=plan.pk).exists()
    )


def _gone_row(request, plan, model, pk, what):
    """A row or section deleted by someone else while this user was editing it: say so, with the
    text the user typed, to copy (nothing else to save it into). An id that was never in this plan is
    a 404, as one that never existed."""
    if not _was_in_plan(plan, model, pk):
        raise Http404("Không có dòng này trong kế hoạch.")
    conflict = conflicts.deleted_conflict(model, pk, what)
    typed = [(label, request.POST.get(name, "")) for name, label in _typed_labels(plan, model)]
    return render(
        request, "plans/edit/_row_gone.html", {"conflict": conflict, "typed": [t for t in typed if t[1].strip()]}
    )


def _typed_labels(plan, model):
    return row_field_labels(plan, section=model is Section).items()


def _task_form(plan, *args, **kwargs):
    preview_url = reverse("plans:deadline_preview", args=[plan.pk])
    return TaskForm(*args, labels=plan.column_labels, preview_url=preview_url, **kwargs)


def _section_form(plan, *args, **kwargs):
    preview_url = reverse("plans:deadline_preview", args=[plan.pk])
    return SectionForm(*args, labels=plan.column_labels, preview_url=preview_url, **kwargs)


def _new_key(request):
    """Names a row or section not saved yet (its DOM id), so a refused save can replace just it."""
    key = request.POST.get("key") or request.GET.get("key") or uuid.uuid4().hex[:10]
    return key if re.fullmatch(r"[0-9a-f]{1,32}", key) else uuid.uuid4().hex[:10]


def _render_row(request, plan, task_pk, *, focus_control="row"):
    sections = _table(plan)
    section, task, depth = _row_in(sections, task_pk)
    context = {"plan": plan, "section": section, "task": task, "depth": depth}
    context.update(focus_task=task.pk, focus_control=focus_control)
    return render(request, "plans/edit/_row.html", context)


def _render_section(request, plan, section_pk, **focus):
    section = _section_in(_table(plan), section_pk)
    return render(request, "plans/edit/_section.html", {"plan": plan, "section": section, **focus})


def _render_table(request, plan, **focus):
    return render(request, "plans/edit/_table.html", {"plan": plan, "sections": _table(plan), **focus})


# --- creating --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def create(request):
    if not creatable_units(request.user).exists():
        return forbidden(request, "Bạn chưa được giao soạn kế hoạch cho đơn vị cấp xã nào.")
    form = CreatePlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            plan = editing.create_plan(unit=data["unit"], year=data["year"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as denied:
            return forbidden(request, str(denied))
        else:
            messages.success(
                request,
                f"Đã tạo kế hoạch năm {plan.year} của {plan.unit} với các phần mặc định. "
                "Hãy điền các chỗ “…” và thêm nội dung công việc.",
            )
            return redirect("plans:edit", pk=plan.pk)
    autofocus(form)
    return render(request, "plans/edit/create.html", {"form": form})


# --- the page --------------------------------------------------------------------------------------


def _list_initial(plan, kind):
    decision = plan.decision
    if kind == "bases":
        return [{"text": basis.text} for basis in decision.legal_bases.all()]
    if kind == "articles":
        return [
            {"label": a.label, "heading": a.heading, "body": a.body, "clauses": "\n".join(a.clauses)}
            for a in decision.articles.all()
        ]
    return [{"text": r.text, "group": r.group, "level": r.level} for r in decision.recipients.all()]


LISTS = {
    "bases": {
        "formset": LegalBasisFormSet,
        "template": "plans/edit/_legal_bases_card.html",
        "save": lambda plan, user, items, token: editing.set_legal_bases(
            plan=plan, texts=[item["text"] for item in items], user=user, token=token
        ),
    },
    "articles": {
        "formset": ArticleFormSet,
        "template": "plans/edit/_articles_card.html",
        "save": lambda plan, user, items, token: editing.set_articles(
            plan=plan, articles=items, user=user, token=token
        ),
    },
    "recipients": {
        "formset": RecipientFormSet,
        "template": "plans/edit/_recipients_card.html",
        "save": lambda plan, user, items, token: editing.set_recipients(
            plan=plan, recipients=items, user=user, token=token
        ),
    },
}


def _list_formset(plan, kind):
    return LISTS[kind]["formset"](initial=_list_initial(plan, kind), prefix=kind)


def _list_tokens(plan):
    return {kind: conflicts.list_token(plan.decision, kind) for kind in LISTS}


@require_GET
@editing_view
def edit(request, plan):
    context = {
        "plan": plan,
        "sections": _table(plan),
        "warnings": editing.plan_warnings(plan),
        "decision_form": DecisionForm(instance=plan.decision),
        "decision_revision": plan.decision.revision,
        "heading_form": TableHeadingForm(initial=TableHeadingForm.initial_for(plan)),
        "heading_token": conflicts.heading_token(plan),
        "tokens": _list_tokens(plan),
        "bases": _list_formset(plan, "bases"),
        "articles": _list_formset(plan, "articles"),
        "recipients": _list_formset(plan, "recipients"),
        "year_from": plan.year - editing.YEAR_SLACK,
        "year_to": plan.year + editing.YEAR_SLACK,
    }
    return render(request, "plans/edit/page.html", context)


@require_GET
@editing_view
def deadline_preview(request, plan):
    text = request.GET.get("text", request.GET.get("deadline_text", ""))
    return render(request, "plans/edit/_deadline_meaning.html", _meaning(plan, text))


# --- the decision's cards --------------------------------------------------------------------------


@require_POST
@editing_view
def edit_decision(request, plan):
    form = DecisionForm(request.POST, instance=Decision.objects.get(plan=plan))  # plan.decision stays as stored
    saved, conflict = False, None
    revision = _posted_int(request.POST.get("revision"))
    if form.is_valid():
        try:
            decision = editing.update_decision(
                plan=plan, data=form.service_data(), user=request.user, revision=revision
            )
            saved, revision = True, decision.revision
        except conflicts.EditConflict as refused:
            conflict, revision = refused, refused.current
        except ValidationError as error:
            form.add_error(None, error)
    autofocus(form)
    context = {"plan": plan, "form": form, "saved": saved, "open": True, "conflict": conflict}
    context.update(decision_revision=revision, theirs=conflict.by_field if conflict else {})
    context.update(warnings=editing.plan_warnings(plan), oob_warnings=True)
    return render(request, "plans/edit/_decision_card.html", context)


@require_POST
@editing_view
def edit_table_heading(request, plan):
    form = TableHeadingForm(request.POST)
    saved, conflict = False, None
    token = request.POST.get("token") or None
    if form.is_valid():
        try:
            editing.update_table_heading(plan=plan, data=form.service_data(), user=request.user, token=token)
            saved, token = True, conflicts.heading_token(plan)
        except conflicts.EditConflict as refused:
            conflict, token = refused, refused.current
        except ValidationError as error:
            form.add_error(None, error)
    autofocus(form)
    context = {"plan": plan, "form": form, "saved": saved, "open": True, "conflict": conflict, "heading_token": token}
    context.update(warnings=editing.plan_warnings(plan), oob_warnings=True, oob_caption=saved)
    return render(request, "plans/edit/_table_heading_card.html", context)


_OP = re.compile(r"^(save|add|add-\d+|up-\d+|down-\d+|remove-\d+)$")


def _list_card(request, plan, kind):
    """One ordered list of the decision. The ↑ ↓ Xóa Thêm buttons rearrange what is on the screen
    (nothing is stored); "Lưu" validates and stores the whole list."""
    spec = LISTS[kind]
    op = request.POST.get("op", "save")
    if not _OP.match(op):
        op = "save"
    formset = spec["formset"](request.POST, prefix=kind)
    token = request.POST.get(f"{kind}-token") or None
    if token is not None and not token.isdigit():
        token = "0"
    context = {"plan": plan, kind: formset, "open": True, "service_errors": [], "token": token}
    if op != "save":
        items, focus = apply_list_op(formset.raw_items(), op)
        rearranged = spec["formset"](initial=items, prefix=kind)
        control = op.partition("-")[0]
        if focus is not None and control in ("add", "remove"):  # the focus goes to the item's first field
            form = rearranged.forms[focus]
            form.fields[next(iter(form.fields))].widget.attrs["autofocus"] = True
        context.update({kind: rearranged, "unsaved": True, "focus_index": focus, "focus_control": control})
    elif formset.is_valid():
        try:
            spec["save"](plan, request.user, [form.cleaned_data for form in formset.forms], token)
        except conflicts.EditConflict as refused:
            context.update(conflict=refused, token=refused.current)
        except ValidationError as error:
            context["service_errors"] = error.messages
        else:
            context.update(
                {kind: _list_formset(plan, kind), "saved": True, "token": conflicts.list_token(plan.decision, kind)}
            )
    context.update(warnings=editing.plan_warnings(plan), oob_warnings=True)
    return render(request, spec["template"], context)


@require_POST
@editing_view
def edit_legal_bases(request, plan):
    return _list_card(request, plan, "bases")


@require_POST
@editing_view
def edit_articles(request, plan):
    return _list_card(request, plan, "articles")


@require_POST
@editing_view
def edit_recipients(request, plan):
    return _list_card(request, plan, "recipients")


# --- sections --------------------------------------------------------------------------------------


def _section_form_context(plan, form, *, section=None, after=None, key="", revision=None, conflict=None):
    form.focus_first()
    deadline = _meaning(plan, form["deadline_text"].value())
    context = {"plan": plan, "form": form, "section": section, "after": after, "key": key, "deadline": deadline}
    context.update(revision=revision, conflict=conflict, theirs=conflict.by_field if conflict else {})
    return context


@require_http_methods(["GET", "POST"])
@editing_view
def edit_section_add(request, plan):
    after_pk = request.POST.get("after") or request.GET.get("after")
    after = _get_section(plan, int(after_pk)) if after_pk and str(after_pk).isdigit() else None
    key = _new_key(request)
    if request.method == "GET":
        form = _section_form(plan, auto_id=f"s{key}-%s")
        return render(request, "plans/edit/_new_section.html", _section_form_context(plan, form, after=after, key=key))
    form = _section_form(plan, request.POST, auto_id=f"s{key}-%s")
    if form.is_valid():
        try:
            section = editing.add_section(plan=plan, data=form.service_data(), user=request.user, after=after)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _render_section(request, plan, section.pk, focus_section=section.pk, focus_control="row")
    return render(request, "plans/edit/_new_section.html", _section_form_context(plan, form, after=after, key=key))


def _render_section_row(request, plan, section_pk):
    section = _section_in(_table(plan), section_pk)
    context = {"plan": plan, "section": section, "focus_section": section.pk, "focus_control": "row"}
    return render(request, "plans/edit/_section_row.html", context)


@require_GET
@editing_view
def edit_section_row(request, plan, section_pk):
    return _render_section_row(request, plan, _get_section(plan, section_pk).pk)


@require_http_methods(["GET", "POST"])
@editing_view
def edit_section_form(request, plan, section_pk):
    if request.method == "POST" and not Section.objects.filter(pk=section_pk, plan=plan).exists():
        return _gone_row(request, plan, Section, section_pk, "mục này")
    section = _get_section(plan, section_pk)
    auto_id = f"s{section.pk}-%s"
    if request.method == "GET":
        initial = {field: getattr(section, field) for field in editing.SECTION_FIELDS}
        form = _section_form(plan, initial=initial, auto_id=auto_id)
        context = _section_form_context(plan, form, section=section, revision=section.revision)
        return render(request, "plans/edit/_section_form.html", context)
    form = _section_form(plan, request.POST, auto_id=auto_id)
    revision, conflict = _posted_int(request.POST.get("revision")), None
    if form.is_valid():
        try:
            editing.update_section(section=section, data=form.service_data(), user=request.user, revision=revision)
        except conflicts.EditConflict as refused:
            conflict, revision = refused, refused.current
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _render_section_row(request, plan, section.pk)
    context = _section_form_context(plan, form, section=section, revision=revision, conflict=conflict)
    return render(request, "plans/edit/_section_form.html", context)


@require_POST
@editing_view
def edit_section_move(request, plan, section_pk):
    section = _get_section(plan, section_pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        direction = "up"
    editing.move_section(section=section, direction=direction, user=request.user)
    return _render_table(request, plan, focus_section=section.pk, focus_control=direction)


@require_POST
@editing_view
def edit_section_delete(request, plan, section_pk):
    section = _get_section(plan, section_pk)
    before = plan.sections.filter(order__lt=section.order).order_by("-order").first()
    try:
        editing.delete_section(section=section, user=request.user, revision=_posted_int(request.POST.get("revision")))
    except conflicts.EditConflict as conflict:  # changed by someone else since shown: show it again, not deleted
        return _render_table(
            request, plan, focus_section=section.pk, focus_control="row", conflict=conflict, conflict_section=section.pk
        )
    return _render_table(request, plan, focus_section=before.pk if before else None, focus_control="row")


# --- rows ------------------------------------------------------------------------------------------


def _row_form_context(
    plan, form, *, section, task=None, parent=None, after=None, depth=0, key="", revision=None, conflict=None
):
    form.focus_first()
    context = {"plan": plan, "form": form, "section": section, "task": task, "parent": parent, "after": after}
    context.update(depth=depth, key=key, deadline=_meaning(plan, form["deadline_text"].value()))
    context.update(revision=revision, conflict=conflict, theirs=conflict.by_field if conflict else {})
    return context


def _depth(task):
    depth = 0
    while task is not None and task.parent_id:
        depth += 1
        task = task.parent
    return depth


@require_http_methods(["GET", "POST"])
@editing_view
def edit_task_add(request, plan, section_pk):
    section = _get_section(plan, section_pk)
    source = request.POST if request.method == "POST" else request.GET
    parent = _optional_task(plan, source.get("parent"), section)
    after = _optional_task(plan, source.get("after"), section)
    if after is not None:
        parent = after.parent
    depth = _depth(parent) + 1 if parent else 0
    key = _new_key(request)
    if request.method == "GET":
        number = editing.suggest_number(section=section, parent=parent, after=after)
        form = _task_form(plan, initial={"number": number}, auto_id=f"t{key}-%s")
        context = _row_form_context(plan, form, section=section, parent=parent, after=after, depth=depth, key=key)
        return render(request, "plans/edit/_row_form.html", context)
    form = _task_form(plan, request.POST, auto_id=f"t{key}-%s")
    if form.is_valid():
        try:
            task = editing.add_task(
                section=section, parent=parent, after=after, data=form.service_data(), user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _render_section(request, plan, section.pk, focus_task=task.pk, focus_control="row")
    context = _row_form_context(plan, form, section=section, parent=parent, after=after, depth=depth, key=key)
    response = render(request, "plans/edit/_row_form.html", context)
    # The save button replaces the whole section; a refused save replaces only its own row.
    return reswap(retarget(response, f"#new-task-{key}"), "outerHTML")


@require_GET
@editing_view
def edit_task_row(request, plan, task_pk):
    return _render_row(request, plan, _get_task(plan, task_pk).pk)


@require_http_methods(["GET", "POST"])
@editing_view
def edit_task_form(request, plan, task_pk):
    if request.method == "POST" and not Task.objects.filter(pk=task_pk, section__plan=plan).exists():
        return _gone_row(request, plan, Task, task_pk, "dòng này")
    task = _get_task(plan, task_pk)
    auto_id = f"t{task.pk}-%s"
    revision, conflict = task.revision, None
    if request.method == "GET":
        initial = {field: getattr(task, field) for field in editing.TASK_FIELDS}
        form = _task_form(plan, initial=initial, auto_id=auto_id)
    else:
        form = _task_form(plan, request.POST, auto_id=auto_id)
        revision = _posted_int(request.POST.get("revision"))
        if form.is_valid():
            try:
                editing.update_task(task=task, data=form.service_data(), user=request.user, revision=revision)
            except conflicts.EditConflict as refused:
                conflict, revision = refused, refused.current
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _render_row(request, plan, task.pk)
    context = _row_form_context(
        plan,
        form,
        section=task.section,
        task=task,
        parent=task.parent,
        depth=_depth(task),
        revision=revision,
        conflict=conflict,
    )
    return render(request, "plans/edit/_row_form.html", context)


@require_POST
@editing_view
def edit_task_move(request, plan, task_pk):
    task = _get_task(plan, task_pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        direction = "up"
    editing.move_task(task=task, direction=direction, user=request.user)
    return _render_section(request, plan, task.section_id, focus_task=task.pk, focus_control=direction)


@require_POST
@editing_view
def edit_task_delete(request, plan, task_pk):
    task = _get_task(plan, task_pk)
    section_pk = task.section_id
    before = (
        Task.objects.filter(section_id=section_pk, parent=task.parent, order__lt=task.order).order_by("-order").first()
        or task.parent
    )
    try:
        editing.delete_task(task=task, user=request.user, revision=_posted_int(request.POST.get("revision")))
    except conflicts.EditConflict as conflict:  # changed by someone else since shown: show it again, not deleted
        return _render_section(
            request, plan, section_pk, focus_task=task.pk, focus_control="row", conflict=conflict, conflict_task=task.pk
        )
    if before is None:
        return _render_section(request, plan, section_pk, focus_section=section_pk, focus_control="row")
    return _render_section(request, plan, section_pk, focus_task=before.pk, focus_control="row")
