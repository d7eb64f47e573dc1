"""Forms of the KPI page. They only collect what was typed (as text, so a refused entry comes back
exactly as the user wrote it, and only the indicator choice is checked here); indicators.services
parses and validates, and its messages are put next to the fields with `form.add_error(None, error)`."""

from django import forms

from .models import Indicator, PlanTarget

NUMBER = {"inputmode": "numeric", "autocomplete": "off", "size": 7}
PERCENT = {"inputmode": "decimal", "autocomplete": "off", "size": 6}


class MeasurementForm(forms.Form):
    numerator = forms.CharField(label="Tử số", required=False, widget=forms.TextInput(attrs=NUMBER))
    denominator = forms.CharField(label="Mẫu số", required=False, widget=forms.TextInput(attrs=NUMBER))
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.TextInput(attrs={"size": 18}))

    def __init__(self, *args, key="", form_id="", **kwargs):
        kwargs.setdefault("auto_id", f"id_m{key}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if form_id:
                field.widget.attrs["form"] = form_id

    @property
    def is_blank(self):
        """Both counts left empty: the user clears the figures."""
        data = self.cleaned_data
        return not (data.get("numerator") or "").strip() and not (data.get("denominator") or "").strip()


class MeasurementAddForm(MeasurementForm):
    indicator = forms.ModelChoiceField(
        label="Chỉ tiêu",
        queryset=Indicator.objects.none(),
        empty_label="— Chọn chỉ tiêu —",
        error_messages={
            "required": "Chọn chỉ tiêu cần nhập số liệu.",
            "invalid_choice": "Chỉ tiêu này đã có số liệu trong kỳ.",
        },
    )

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators if indicators is not None else Indicator.objects.all()
        self.order_fields(["indicator", "numerator", "denominator", "note"])


class TargetForm(forms.Form):
    qualifier = forms.CharField(label="Mức", required=False, widget=forms.Select(choices=PlanTarget.Qualifier.choices))
    value = forms.CharField(label="Chỉ tiêu giao (%)", required=False, widget=forms.TextInput(attrs=PERCENT))
    higher_target = forms.CharField(
        label="Chỉ tiêu cấp trên giao (%)", required=False, widget=forms.TextInput(attrs=PERCENT)
    )
    last_year_result = forms.CharField(
        label="Kết quả năm trước (%)", required=False, widget=forms.TextInput(attrs=PERCENT)
    )
    responsible = forms.CharField(
        label="Đơn vị chịu trách nhiệm", required=False, widget=forms.TextInput(attrs={"size": 22})
    )

    def __init__(self, *args, key="", form_id="", **kwargs):
        kwargs.setdefault("auto_id", f"id_t{key}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if form_id:
                field.widget.attrs["form"] = form_id

    @classmethod
    def for_target(cls, target, **kwargs):
        def text(value):
            return "" if value is None else format(value.normalize(), "f").replace(".", ",")

        initial = {
            "qualifier": target.qualifier,
            "value": text(target.value),
            "higher_target": text(target.higher_target),
            "last_year_result": text(target.last_year_result),
            "responsible": target.responsible,
        }
        return cls(initial=initial, key=target.pk, **kwargs)


class TargetAddForm(TargetForm):
    indicator = forms.ModelChoiceField(
        label="Chỉ tiêu",
        queryset=Indicator.objects.none(),
        empty_label="— Chọn chỉ tiêu —",
        error_messages={"required": "Chọn chỉ tiêu cần giao.", "invalid_choice": "Chỉ tiêu này đã có trong kế hoạch."},
    )

    def __init__(self, *args, indicators=None, **kwargs):
        kwargs.setdefault("key", "new")
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators if indicators is not None else Indicator.objects.all()
        self.order_fields(["indicator", "qualifier", "value", "higher_target", "last_year_result", "responsible"])


TARGET_KEYS = ("value", "qualifier", "responsible", "last_year_result", "higher_target")
MEASUREMENT_KEYS = ("numerator", "denominator", "note")
