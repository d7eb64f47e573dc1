from django.contrib import admin

from .models import ReportingPeriod


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "start_day", "start_month", "end_day", "end_month"]
