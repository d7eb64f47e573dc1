from django import forms
from django.contrib import admin

from plans.admin import guard_plan
from plans.permissions import is_locked

from .models import Indicator, Measurement, PlanTarget
from .targets import target_problem


class PlanTargetAdminForm(forms.ModelForm):
    """The target rule holds in the admin too: never below the higher level's target."""

    class Meta:
        model = PlanTarget
        fields = [
            "plan",
            "indicator",
            "value",
            "qualifier",
            "source_task",
            "responsible",
            "last_year_result",
            "higher_target",
        ]

    def clean(self):
        cleaned = super().clean()
        indicator = cleaned.get("indicator")
        if cleaned.get("value") is not None and (
            indicator is None or indicator.direction == Indicator.Direction.HIGHER
        ):
            problem = target_problem(value=cleaned["value"], higher_target=cleaned.get("higher_target"))
            if problem:
                self.add_error("value", problem)
        return cleaned


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "direction"]
    search_fields = ["code", "name"]


@admin.register(PlanTarget)
class PlanTargetAdmin(admin.ModelAdmin):
    """Targets are plan content: read-only here once the plan is submitted, approved or issued."""

    form = PlanTargetAdminForm
    list_display = ["plan", "indicator", "qualifier", "value", "higher_target", "last_year_result", "responsible"]
    list_filter = ["indicator"]
    raw_id_fields = ["plan"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and is_locked(obj.plan))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and is_locked(obj.plan))

    def save_model(self, request, obj, form, change):
        guard_plan(obj.plan)
        super().save_model(request, obj, form, change)


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    """Read-only here: figures are entered on the plan's KPI page, where they are validated with
    the commune's rights checked (indicators.services.record_measurement)."""

    list_display = ["plan", "indicator", "period", "numerator", "denominator", "updated_by", "updated_at"]
    list_filter = ["period", "indicator"]
    list_select_related = ["plan__unit", "indicator", "period", "updated_by"]
    search_fields = ["plan__unit__name", "indicator__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
