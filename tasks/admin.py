from django.contrib import admin

from plans.admin import PlanContentAdmin, PlanContentInline, bump_revision, guard_plan

from .models import ProgressEvidence, Section, Task, TaskProgress


# Sections and rows are plan content: read-only once the plan is submitted, approved or issued, every
# write guarded on the locked plan row (plans.admin). A save bumps the row's revision, so an editor
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


class ProgressEvidenceInline(admin.TabularInline):
    model = ProgressEvidence
    extra = 0
    fields = ["order", "number", "issued_on", "title", "file", "file_name"]


@admin.register(TaskProgress)
class TaskProgressAdmin(admin.ModelAdmin):
    list_display = ["task", "period", "status", "updated_at", "updated_by"]
    list_filter = ["status", "period", "task__section__plan__year"]
    search_fields = ["task__content", "result_text", "task__section__plan__unit__name"]
    raw_id_fields = ["task", "updated_by"]
    readonly_fields = ["updated_at", "carried_from"]
    inlines = [ProgressEvidenceInline]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ProgressEvidence)
class ProgressEvidenceAdmin(admin.ModelAdmin):
    list_display = ["number", "issued_on", "progress", "file_name"]
    search_fields = ["number", "title"]
    raw_id_fields = ["progress"]
