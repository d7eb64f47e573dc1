from django.contrib import admin

from .models import CalendarDay, ReportingPeriod


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "start_day", "start_month", "end_day", "end_month"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["day", "is_working", "note"]
    list_filter = ["is_working"]
    date_hierarchy = "day"
