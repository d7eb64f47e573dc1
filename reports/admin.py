from django.contrib import admin

from .models import ProgressSnapshot, Report, ReportBatch, ReportDocument


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["plan", "period", "number", "issued_on", "updated_at"]
    list_filter = ["period"]
    raw_id_fields = ["plan", "updated_by"]


@admin.register(ReportDocument)
class ReportDocumentAdmin(admin.ModelAdmin):
    list_display = ["plan", "period", "plan_version", "state", "attempts", "queued_at", "finished_at"]
    list_filter = ["state", "period"]
    raw_id_fields = ["plan", "requested_by", "batch"]
    readonly_fields = ["error", "task_id"]


@admin.register(ReportBatch)
class ReportBatchAdmin(admin.ModelAdmin):
    list_display = ["unit", "period", "year", "requested_by", "created_at"]
    raw_id_fields = ["unit", "requested_by"]


@admin.register(ProgressSnapshot)
class ProgressSnapshotAdmin(admin.ModelAdmin):
    list_display = ["plan", "period", "total", "done", "rate", "computed_at"]
    list_filter = ["period"]
    raw_id_fields = ["plan"]
