from django.contrib import admin

from .models import ProgressEvidence, TaskProgress

# Sections and rows are plan content: their admin is plans.admin's, under the plan's lock.


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
