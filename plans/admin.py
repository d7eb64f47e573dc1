"""The Django admin of plans. Plan content (the plan, its decision and the decision's parts, its
appendices, and their sections and rows) follows the same lock as every other write path: a
submitted, approved or issued plan is read-only here (no change, no delete, inlines included), and
every save or delete re-checks on the plan row read with select_for_update()
(plans.permissions.ensure_plan_editable). The status is read-only: it moves only through
plans.workflow.services. Each change is kept by django-simple-history (its "Lịch sử" button)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from plans.models import (
    Appendix,
    AppendixRow,
    Article,
    Decision,
    LegalBasis,
    Notification,
    Plan,
    PlanComment,
    PlanPdf,
    PlanTransition,
    Recipient,
)
from plans.permissions import ensure_plan_editable, is_locked
from tasks.models import Section, Task

PARENTS = ("plan", "decision", "appendix", "section")  # how plan content points up to its plan


def plan_of(obj):
    """The plan an object of plan content belongs to (None for a new object not yet attached)."""
    for _ in range(len(PARENTS)):
        if obj is None or isinstance(obj, Plan):
            return obj
        names = {field.name for field in obj._meta.fields}
        name = next((name for name in PARENTS if name in names), None)
        if name is None or getattr(obj, f"{name}_id") is None:
            return None
        obj = getattr(obj, name)
    return obj if isinstance(obj, Plan) else None


def guard_plan(obj):
    """Refuse a write to the content of a locked plan, judged on the stored plan row (locked)."""
    plan = plan_of(obj)
    if plan is not None and plan.pk is not None:
        with transaction.atomic():
            ensure_plan_editable(Plan.objects.select_for_update().get(pk=plan.pk))


def _locked(obj):
    plan = plan_of(obj)
    return plan is not None and plan.pk is not None and is_locked(plan)


def bump_revision(obj):
    """A change saved here bumps the object's revision (rows, sections, the decision), so an editor
    who loaded it before is refused instead of silently overwriting this change (plans.editing.services)."""
    if obj.pk and not isinstance(obj, Plan) and any(field.name == "revision" for field in obj._meta.fields):
        obj.revision += 1


def _changed(obj):
    plan = plan_of(obj)
    if plan is not None and plan.pk is not None and Plan.objects.filter(pk=plan.pk).exists():
        plan.mark_changed()  # documents rendered before are stale


class PlanContentAdmin(SimpleHistoryAdmin):
    """A ModelAdmin of plan content: read-only once the plan is locked, guarded on every write; the
    history is shown but not reverted from here (a revert would also bring back an old status)."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Không khôi phục phiên bản cũ từ trang quản trị; hãy sửa trên trang soạn kế hoạch.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _locked(obj)

    def save_model(self, request, obj, form, change):
        guard_plan(obj)
        if change:
            bump_revision(obj)
        super().save_model(request, obj, form, change)
        _changed(obj)

    def delete_model(self, request, obj):
        guard_plan(obj)
        plan = plan_of(obj)
        super().delete_model(request, obj)
        _changed(plan)

    def delete_queryset(self, request, queryset):
        plans = {plan_of(obj) for obj in queryset}
        for obj in queryset:
            guard_plan(obj)
        super().delete_queryset(request, queryset)
        for plan in plans:
            _changed(plan)

    def save_formset(self, request, form, formset, change):
        guard_plan(form.instance)
        for inline in formset.forms:
            if inline.instance.pk and inline.has_changed():
                bump_revision(inline.instance)
        super().save_formset(request, form, formset, change)


class PlanContentInline:
    """An inline of plan content: no add, change or delete when the parent's plan is locked."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _locked(obj)


class DecisionInline(PlanContentInline, admin.StackedInline):
    model = Decision
    extra = 0
    show_change_link = True


class AppendixInline(PlanContentInline, admin.TabularInline):
    model = Appendix
    extra = 0
    fields = ["order", "heading", "title"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(PlanContentAdmin):
    list_display = ["unit", "year", "revision", "status", "version", "updated_at"]
    list_filter = ["status", "year", "unit__kind"]
    search_fields = ["unit__name", "table_title"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["status", "submitted_at", "version"]  # the status moves only through plans.workflow.services
    inlines = [DecisionInline, AppendixInline]


class LegalBasisInline(PlanContentInline, admin.TabularInline):
    model = LegalBasis
    extra = 0


class ArticleInline(PlanContentInline, admin.StackedInline):
    model = Article
    extra = 0


class RecipientInline(PlanContentInline, admin.TabularInline):
    model = Recipient
    extra = 0


@admin.register(Decision)
class DecisionAdmin(PlanContentAdmin):
    list_display = ["plan", "doc_type", "number", "issued_on", "signer_name"]
    search_fields = ["plan__unit__name", "summary"]
    inlines = [LegalBasisInline, ArticleInline, RecipientInline]


class AppendixRowInline(PlanContentInline, admin.TabularInline):
    model = AppendixRow
    extra = 0


@admin.register(Appendix)
class AppendixAdmin(PlanContentAdmin):
    list_display = ["plan", "heading", "title"]
    inlines = [AppendixRowInline]


@admin.register(PlanPdf)
class PlanPdfAdmin(admin.ModelAdmin):
    list_display = ["plan", "plan_version", "state", "attempts", "queued_at", "finished_at"]
    list_filter = ["state"]
    readonly_fields = ["error"]


# --- workflow (read-only: every change goes through plans.workflow.services / plans.workflow.comments) ---------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PlanTransition)
class PlanTransitionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "from_status", "to_status", "user", "plan_version", "created_at"]
    list_filter = ["to_status"]
    search_fields = ["plan__unit__name", "user__username", "comment"]
    list_select_related = ["plan__unit", "user"]


@admin.register(PlanComment)
class PlanCommentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "task_label", "author", "created_at", "resolved_at"]
    list_filter = ["resolved_at"]
    search_fields = ["plan__unit__name", "author__username", "text"]
    list_select_related = ["plan__unit", "author"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "verb", "plan", "actor", "created_at", "read_at"]
    list_filter = ["verb"]
    search_fields = ["recipient__username", "text"]
    list_select_related = ["recipient", "plan__unit", "actor"]


# --- sections and rows (tasks' models, plan content) ----------------------------------------------
# Sections and rows are plan content: read-only once the plan is submitted, approved or issued, every
# write guarded on the locked plan row (above). A save bumps the row's revision, so an editor
# who loaded the row before is refused instead of silently overwriting the admin's change.


class TaskInline(PlanContentInline, admin.TabularInline):
    model = Task
    extra = 0
    fields = ["order", "number", "parent", "content", "lead", "partners", "deadline_text", "product"]
    readonly_fields = ["parent"]
    show_change_link = True


@admin.register(Section)
class SectionAdmin(PlanContentAdmin):
    list_display = ["plan", "number", "title"]
    list_filter = ["plan__year"]
    search_fields = ["title", "plan__unit__name"]
    readonly_fields = ["deadline_kind", "due_dates"]
    inlines = [TaskInline]

    def save_model(self, request, obj, form, change):
        obj.set_deadline(obj.deadline_text, obj.plan.year)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        guard_plan(form.instance)
        for task in formset.save(commit=False):
            task.set_deadline(task.deadline_text, form.instance.plan.year)
            bump_revision(task)
            task._history_user = request.user
            task.save()
        for task in formset.deleted_objects:
            task._history_user = request.user
            task.delete()


@admin.register(Task)
class TaskAdmin(PlanContentAdmin):
    list_display = ["__str__", "section", "deadline_text", "deadline_kind"]
    list_filter = ["deadline_kind", "section__plan__year"]
    search_fields = ["content", "lead", "partners"]
    readonly_fields = ["deadline_kind", "due_dates"]
    raw_id_fields = ["section", "parent"]

    def save_model(self, request, obj, form, change):
        obj.set_deadline(obj.deadline_text, obj.section.plan.year)
        super().save_model(request, obj, form, change)
