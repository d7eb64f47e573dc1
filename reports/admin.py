from django.contrib import admin

from .models import Report, ReportingPeriod


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "start_day", "start_month", "end_day", "end_month"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["plan", "period", "number", "issued_on"]
    raw_id_fields = ["plan"]
