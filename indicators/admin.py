from django.contrib import admin

from .models import Indicator, PlanTarget


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "direction"]
    search_fields = ["code", "name"]


@admin.register(PlanTarget)
class PlanTargetAdmin(admin.ModelAdmin):
    list_display = ["plan", "indicator", "qualifier", "value", "last_year_result"]
    list_filter = ["indicator"]
    raw_id_fields = ["plan"]
