"""The inline form of one row of the progress sheet: status, result text and one new evidence document.
The form only reads the input; tasks.progress.record_progress validates and stores it, and its
errors (keyed by these field names) are shown next to the fields."""

from django import forms

from tasks.models import TaskProgress


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label="Tình trạng", choices=TaskProgress.Status.choices)
    result_text = forms.CharField(
        label="Kết quả thực hiện",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Việc đã làm, số liệu, văn bản đã ban hành.",
    )
    evidence_number = forms.CharField(
        label="Số/ký hiệu", required=False, max_length=100, widget=forms.TextInput(attrs={"placeholder": "46/BC-UBND"})
    )
    evidence_issued_on = forms.DateField(
        label="Ngày ban hành",
        required=False,
        input_formats=["%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"placeholder": "ngày/tháng/năm", "inputmode": "numeric"}, format="%d/%m/%Y"),
    )
    evidence_title = forms.CharField(
        label="Trích yếu",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "về việc rà soát, đơn giản hóa TTHC …"}),
    )
    evidence_file = forms.FileField(
        label="Tệp đính kèm",
        required=False,
        help_text="Không bắt buộc. PDF, ảnh, Word (.docx) hoặc Excel (.xlsx), tối đa 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp,.docx,.xlsx"}),
    )

    def __init__(self, *args, result_label="", **kwargs):
        super().__init__(*args, **kwargs)
        if result_label:
            self.fields["result_text"].label = f"Kết quả thực hiện {result_label}"
        self.fields["evidence_file"].error_messages["invalid"] = "Không đọc được tệp tải lên."
        self.fields["evidence_issued_on"].error_messages["invalid"] = "Ngày không hợp lệ (ngày/tháng/năm)."
        self.fields["status"].error_messages["invalid_choice"] = "Chọn một tình trạng trong danh sách."

    @classmethod
    def initial_for(cls, progress):
        if progress is None:
            return {"status": TaskProgress.Status.NOT_STARTED, "result_text": ""}
        return {"status": progress.status, "result_text": progress.result_text}

    def service_kwargs(self):
        data = self.cleaned_data
        evidence = {
            "number": data.get("evidence_number", ""),
            "issued_on": data.get("evidence_issued_on"),
            "title": data.get("evidence_title", ""),
            "file": data.get("evidence_file") or None,
        }
        return {"status": data["status"], "result_text": data.get("result_text", ""), "evidence": [evidence]}

    def focus(self, name):
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)
        self.fields[name].widget.attrs["autofocus"] = True

    def focus_first_error(self):
        name = next((name for name in self.fields if name in self.errors), "status")
        self.focus(name)
