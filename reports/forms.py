"""What staff edit on the report page, and the reviewer's batch request. The forms only read the
input; reports.services stores it."""

from datetime import date

from django import forms
from django.core.validators import MaxLengthValidator

from periods.cutoffs import PeriodCode
from periods.models import ReportingPeriod

from .models import ConsolidatedReport, Report

MAX_FIELD_CHARS = 20_000


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = [
            "number",
            "issued_on",
            "place",
            "summary",
            "introduction",
            "results",
            "kpi_summary",
            "late_items",
            "shortcomings",
            "next_steps",
            "recipients",
            "signer_prefix",
            "signer_title",
            "signer_name",
        ]
        labels = {
            "number": "Số báo cáo",
            "issued_on": "Ngày báo cáo",
            "summary": "Trích yếu (để trống: theo mẫu)",
            "introduction": "Mở đầu",
            "results": "1. Kết quả thực hiện các nội dung của Kế hoạch",
            "kpi_summary": "2. Kết quả thực hiện các chỉ tiêu",
            "late_items": "3. Các nội dung chậm, chưa thực hiện",
            "shortcomings": "II. Tồn tại, hạn chế",
            "next_steps": "III. Nhiệm vụ, giải pháp trong thời gian tới",
            "recipients": "Nơi nhận (mỗi dòng một nơi)",
        }
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 2}),
            "introduction": forms.Textarea(attrs={"rows": 3}),
            "results": forms.Textarea(attrs={"rows": 9}),
            "kpi_summary": forms.Textarea(attrs={"rows": 6}),
            "late_items": forms.Textarea(attrs={"rows": 6}),
            "shortcomings": forms.Textarea(attrs={"rows": 5}),
            "next_steps": forms.Textarea(attrs={"rows": 6}),
            "recipients": forms.Textarea(attrs={"rows": 4}),
            "signer_title": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        for name in Report.NARRATIVE_FIELDS + ("summary", "recipients"):
            self.fields[name].validators.append(MaxLengthValidator(MAX_FIELD_CHARS))

    def clean_number(self):
        number = self.cleaned_data.get("number")
        if number is not None and number > 99_999:
            raise forms.ValidationError("Số báo cáo không hợp lệ.")
        return number


class BatchForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=None, empty_label=None)
    period = forms.ModelChoiceField(
        label="Kỳ báo cáo", queryset=ReportingPeriod.objects.all(), to_field_name="code", empty_label=None
    )
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)

    def __init__(self, *args, units, latest_year=None, **kwargs):
        kwargs.setdefault("initial", {"year": latest_year or date.today().year, "period": PeriodCode.NINE_MONTHS})
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ConsolidatedForm(forms.ModelForm):
    """The writing of a báo cáo tổng hợp (reports.consolidated_files)."""

    class Meta:
        model = ConsolidatedReport
        fields = ReportForm.Meta.fields
        labels = {
            **ReportForm.Meta.labels,
            "results": "I. Tình hình triển khai của các xã",
            "kpi_summary": "II. Kết quả thực hiện các chỉ tiêu",
            "late_items": "III. Các đơn vị chưa gửi báo cáo, còn chậm",
            "shortcomings": "IV. Tồn tại, hạn chế",
            "next_steps": "V. Nhiệm vụ, giải pháp trong thời gian tới",
        }
        widgets = ReportForm.Meta.widgets
