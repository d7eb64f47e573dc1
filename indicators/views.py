"""The KPI page of a plan: its targets (with the target rule's proposal) and, per reporting period,
the figures counted with their rate, verdict and chart. Thin views: forms collect the text,
indicators.services validates and writes, indicators.selectors reads. htmx endpoints answer with the
fragment they replace (template partials of indicators/plan_kpis.html); a refused entry answers 200
with the row again, the user's text kept and the message next to the field. Without JavaScript the
same forms post normally and the page comes back."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from periods.models import ReportingPeriod
from plans.access import plan_view

from . import services
from .charts import target_vs_actual_svg
from .forms import MEASUREMENT_KEYS, TARGET_KEYS, MeasurementAddForm, MeasurementForm, TargetAddForm, TargetForm
from .models import Indicator, PlanTarget
from .selectors import default_period, kpi_rows, percent_text, target_lines, target_rows

PAGE = "indicators/plan_kpis.html"
TARGETS_CHANGED = "kpi-targets-changed"
CHART_WIDTH = 640


def _replace(response, selector):
    """Let an htmx response replace `selector` as a whole, whatever the triggering element asked."""
    return reswap(retarget(response, selector), "outerHTML")


# Look the plan up among those the user may see (404 otherwise); a write the services refuse answers
# with a Vietnamese 403 page, or its fragment for htmx (plans.access).
kpi_view = plan_view


# --- reading -----------------------------------------------------------------------------------------


def _periods():
    return list(ReportingPeriod.objects.all())


def _period(periods, code):
    for period in periods:
        if period.code == code:
            return period
    raise Http404("Không có kỳ báo cáo này.")


def _chosen_period(request, plan, periods):
    code = request.GET.get("ky") or request.POST.get("ky")
    if code:
        return _period(periods, code)
    return default_period(plan=plan, periods=periods, today=timezone.localdate())


def _measurement_form_id(indicator):
    return f"m-form-{indicator.pk}"


def _target_form_id(target_pk):
    return f"t-form-{target_pk}"


def _unmeasured_indicators(rows):
    return Indicator.objects.exclude(pk__in=[r.indicator.pk for r in rows])


def _untargeted_indicators(rows):
    return Indicator.objects.exclude(pk__in=[r.indicator.pk for r in rows if r.target])


def _panel_context(request, plan, period, periods, *, rows=None, measurement_forms=None, add_measurement_form=None):
    rows = kpi_rows(plan=plan, period=period) if rows is None else rows
    can_record = services.can_record_measurements(request.user, plan)
    measurement_forms = measurement_forms or {}
    entries = []
    for row in rows:
        form = measurement_forms.get(row.indicator.pk)
        if form is None and can_record:
            form = MeasurementForm(
                initial={
                    "numerator": row.numerator,
                    "denominator": row.denominator,
                    "note": row.measurement.note if row.measurement else "",
                },
                key=row.indicator.pk,
                form_id=_measurement_form_id(row.indicator),
            )
        entries.append((row, form))
    if can_record and add_measurement_form is None:
        add_measurement_form = MeasurementAddForm(
            indicators=_unmeasured_indicators(rows), key="new", form_id="m-form-new"
        )
    measured = [r for r in rows if r.met is not None]
    start, cutoff = period.bounds(plan.year)
    return {
        "plan": plan,
        "period": period,
        "periods": periods,
        "period_label": period.label_for(plan.year),
        "period_start": start,
        "period_cutoff": cutoff,
        "entries": entries,
        "can_record": can_record,
        "add_measurement_form": add_measurement_form,
        "chart": mark_safe(target_vs_actual_svg(rows, width=CHART_WIDTH)),  # escaped by charts.py
        "met_count": sum(1 for r in measured if r.met),
        "judged_count": len(measured),
        "target_count": sum(1 for r in rows if r.target),
    }


def _targets_context(request, plan, rows, *, editing=None, target_forms=None, add_target_form=None):
    can_edit = services.can_edit_targets(request.user, plan)
    target_forms = target_forms or {}
    if editing is not None and editing not in target_forms:
        target = next((r.target for r in rows if r.target and r.target.pk == editing), None)
        if target is not None:
            target_forms[editing] = TargetForm.for_target(target, form_id=_target_form_id(editing))
    if can_edit and add_target_form is None:
        add_target_form = TargetAddForm(indicators=_untargeted_indicators(rows), form_id=_target_form_id("new"))
    lines = []
    for line in target_lines(rows):
        form = target_forms.get(line.target.pk)
        if form is not None:  # the proposal for what the form holds (the user's refused numbers too)
            proposal = (
                services.proposal_for(
                    higher_target=form.data.get("higher_target"), last_year_result=form.data.get("last_year_result")
                )
                if form.is_bound
                else line.proposal
            )
            form.proposal, form.proposal_text = proposal, percent_text(proposal.value)
        lines.append((line, form))
    return {
        "plan": plan,
        "target_lines": lines,
        "can_edit_targets": can_edit,
        "add_target_form": add_target_form,
        "targets_locked_reason": "" if can_edit else services.targets_denied_message(request.user, plan),
    }


def _render_page(request, plan, period, periods, *, status=200, **forms):
    rows = kpi_rows(plan=plan, period=period)
    context = _panel_context(
        request,
        plan,
        period,
        periods,
        rows=rows,
        measurement_forms=forms.get("measurement_forms"),
        add_measurement_form=forms.get("add_measurement_form"),
    )
    context.update(
        _targets_context(
            request,
            plan,
            rows,
            editing=forms.get("editing"),
            target_forms=forms.get("target_forms"),
            add_target_form=forms.get("add_target_form"),
        )
    )
    return render(request, PAGE, context, status=status)


def _back_to_page(plan, period):
    return redirect(f"{reverse('indicators:plan_kpis', args=[plan.pk])}?ky={period.code}")


@require_GET
@kpi_view
def plan_kpis(request, plan):
    periods = _periods()
    period = _chosen_period(request, plan, periods)
    if period is None:
        raise Http404("Chưa có kỳ báo cáo nào.")
    if request.htmx and request.htmx.target == "kpi-period":
        return render(request, f"{PAGE}#period_panel", _panel_context(request, plan, period, periods))
    editing = request.GET.get("sua")
    return _render_page(request, plan, period, periods, editing=int(editing) if editing and editing.isdigit() else None)


# --- targets -----------------------------------------------------------------------------------------


def _get_target(plan, pk):
    return get_object_or_404(PlanTarget.objects.select_related("indicator"), plan=plan, pk=pk)


def _require_targets_editable(request, plan):
    if not services.can_edit_targets(request.user, plan):
        raise PermissionDenied(services.targets_denied_message(request.user, plan))


def _target_line_fragment(request, plan, target_pk, form=None):
    rows = [r for r in target_rows(plan=plan) if r.target.pk == target_pk]
    context = _targets_context(request, plan, rows, target_forms={target_pk: form} if form else None)
    context["line"], context["form"] = context["target_lines"][0]
    return render(request, f"{PAGE}#target_line", context)


def _targets_card(request, plan, **kwargs):
    response = render(
        request, f"{PAGE}#targets_card", _targets_context(request, plan, target_rows(plan=plan), **kwargs)
    )
    return _replace(response, "#kpi-targets")


def _after_target_change(request, plan, response, message):
    if request.htmx:
        return trigger_client_event(response(), TARGETS_CHANGED)
    messages.success(request, message)
    return _back_to_page(plan, _chosen_period(request, plan, _periods()))


def _target_refused(request, plan, *, htmx_response, **forms):
    if request.htmx:
        return htmx_response()
    periods = _periods()
    return _render_page(request, plan, _chosen_period(request, plan, periods), periods, **forms)


@require_GET
@kpi_view
def target_row(request, plan, target_pk):
    """The target's row as shown (after “Hủy”)."""
    target = _get_target(plan, target_pk)
    if not request.htmx:
        return redirect("indicators:plan_kpis", plan_pk=plan.pk)
    return _target_line_fragment(request, plan, target.pk)


@require_GET
@kpi_view
def target_edit(request, plan, target_pk):
    """The target's row as a form."""
    target = _get_target(plan, target_pk)
    _require_targets_editable(request, plan)
    if not request.htmx:
        return redirect(f"{reverse('indicators:plan_kpis', args=[plan.pk])}?sua={target.pk}#t-row-{target.pk}")
    return _target_line_fragment(
        request, plan, target.pk, TargetForm.for_target(target, form_id=_target_form_id(target.pk))
    )


@require_POST
@kpi_view
def target_save(request, plan, target_pk):
    target = _get_target(plan, target_pk)
    form = TargetForm(request.POST, key=target.pk, form_id=_target_form_id(target.pk))
    form.is_valid()
    try:
        services.set_target(
            plan=plan, indicator=target.indicator, user=request.user, **{k: form.cleaned_data[k] for k in TARGET_KEYS}
        )
    except ValidationError as refused:
        form.add_error(None, refused)
        return _target_refused(
            request,
            plan,
            htmx_response=lambda: _target_line_fragment(request, plan, target.pk, form),
            target_forms={target.pk: form},
            editing=target.pk,
        )
    return _after_target_change(
        request, plan, lambda: _target_line_fragment(request, plan, target.pk), f"Đã lưu chỉ tiêu “{target.indicator}”."
    )


@require_POST
@kpi_view
def target_add(request, plan):
    _require_targets_editable(request, plan)
    form = TargetAddForm(
        request.POST, indicators=_untargeted_indicators(target_rows(plan=plan)), form_id=_target_form_id("new")
    )
    try:
        if not form.is_valid():
            raise ValidationError({})
        services.set_target(
            plan=plan,
            indicator=form.cleaned_data["indicator"],
            user=request.user,
            **{k: form.cleaned_data[k] for k in TARGET_KEYS},
        )
    except ValidationError as refused:
        if refused.error_dict:
            form.add_error(None, refused)
        return _target_refused(
            request,
            plan,
            htmx_response=lambda: _targets_card(request, plan, add_target_form=form),
            add_target_form=form,
        )
    return _after_target_change(
        request, plan, lambda: _targets_card(request, plan), f"Đã thêm chỉ tiêu “{form.cleaned_data['indicator']}”."
    )


@require_POST
@kpi_view
def target_remove(request, plan, target_pk):
    target = _get_target(plan, target_pk)
    services.remove_target(plan=plan, target=target, user=request.user)
    return _after_target_change(
        request, plan, lambda: _targets_card(request, plan), f"Đã bỏ chỉ tiêu “{target.indicator}” khỏi kế hoạch."
    )


@require_http_methods(["GET", "POST"])
@kpi_view
def target_proposal(request, plan):
    """What the target rule proposes for the numbers being typed (live, beside the form)."""
    data = request.POST if request.method == "POST" else request.GET
    proposal = services.proposal_for(
        higher_target=data.get("higher_target"), last_year_result=data.get("last_year_result")
    )
    context = {"proposal": proposal, "proposal_text": percent_text(proposal.value), "editable": True}
    return render(request, f"{PAGE}#proposal", context)


# --- measurements ------------------------------------------------------------------------------------


def _measurement_row_response(request, plan, period, periods, indicator, form=None):
    """The indicator's row in the period table, plus (out of band) the chart that summarises them."""
    context = _panel_context(request, plan, period, periods, measurement_forms={indicator.pk: form} if form else None)
    entry = next(((row, f) for row, f in context["entries"] if row.indicator.pk == indicator.pk), None)
    if entry is None:  # cleared figures of an indicator without a target: the row is gone
        return _replace(render(request, f"{PAGE}#period_panel", context), "#kpi-period")
    context["row"], context["form"] = entry
    context["oob"] = True
    return render(request, f"{PAGE}#measurement_response", context)


def _record(request, plan, period, indicator, data):
    services.record_measurement(
        plan=plan,
        indicator=indicator,
        period=period,
        user=request.user,
        **{k: data[k] for k in MEASUREMENT_KEYS},
    )


@require_POST
@kpi_view
def measurement_save(request, plan, period_code, indicator_pk):
    periods = _periods()
    period = _period(periods, period_code)
    indicator = get_object_or_404(Indicator, pk=indicator_pk)
    form = MeasurementForm(request.POST, key=indicator.pk, form_id=_measurement_form_id(indicator))
    form.is_valid()
    try:
        if form.is_blank:
            services.clear_measurement(plan=plan, indicator=indicator, period=period, user=request.user)
        else:
            _record(request, plan, period, indicator, form.cleaned_data)
    except ValidationError as refused:
        form.add_error(None, refused)
        if request.htmx:
            return _measurement_row_response(request, plan, period, periods, indicator, form)
        return _render_page(request, plan, period, periods, measurement_forms={indicator.pk: form})
    if request.htmx:
        return _measurement_row_response(request, plan, period, periods, indicator)
    messages.success(request, f"Đã lưu số liệu “{indicator}” – {period.label_for(plan.year)}.")
    return _back_to_page(plan, period)


@require_POST
@kpi_view
def measurement_add(request, plan, period_code):
    """Figures for an indicator the plan sets no target for."""
    periods = _periods()
    period = _period(periods, period_code)
    if not services.can_record_measurements(request.user, plan):
        raise PermissionDenied(services.measurements_denied_message(plan))
    rows = kpi_rows(plan=plan, period=period)
    form = MeasurementAddForm(request.POST, indicators=_unmeasured_indicators(rows), key="new", form_id="m-form-new")
    try:
        if not form.is_valid():
            raise ValidationError({})
        _record(request, plan, period, form.cleaned_data["indicator"], form.cleaned_data)
    except ValidationError as refused:
        if refused.error_dict:
            form.add_error(None, refused)
        if request.htmx:
            context = _panel_context(request, plan, period, periods, rows=rows, add_measurement_form=form)
            return _replace(render(request, f"{PAGE}#period_panel", context), "#kpi-period")
        return _render_page(request, plan, period, periods, add_measurement_form=form)
    if request.htmx:
        return _replace(
            render(request, f"{PAGE}#period_panel", _panel_context(request, plan, period, periods)), "#kpi-period"
        )
    messages.success(request, f"Đã lưu số liệu “{form.cleaned_data['indicator']}” – {period.label_for(plan.year)}.")
    return _back_to_page(plan, period)
