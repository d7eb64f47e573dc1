"""Forms of the plan editor. They check types and lengths; the rules (empty content, a number used
twice, a due date outside the plan's years …) are plans.editing.services's, so every caller gets them."""

from django import forms
from django.utils import timezone

from orgs.models import Unit
from plans.editing.services import MAX_PLAN_YEAR, MIN_PLAN_YEAR
from plans.models import Decision
from plans.selectors import creatable_units
from tasks.deadlines import MAX_DEADLINE_CHARS

SIGNER_PREFIXES = [("", "(không)"), ("TM.", "TM."), ("KT.", "KT."), ("Q.", "Q."), ("TL.", "TL.")]


def _area(rows, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


def autofocus(form, *, fallback=False):
    """Autofocus the first field with an error (else, with `fallback`, the first field): htmx moves
    the focus there when the form is swapped in."""
    names = list(form.fields)
    target = next((name for name in names if form.is_bound and form.errors.get(name)), None)
    if target is None and fallback and names:
        target = names[0]
    if target is not None:
        form.fields[target].widget.attrs["autofocus"] = True
    return form


def default_plan_year(today=None):
    """Offices write next year's plan in December."""
    today = today or timezone.localdate()
    return today.year + 1 if today.month == 12 else today.year


class CreatePlanForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="Đơn vị",
        queryset=Unit.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Bạn không được tạo kế hoạch cho đơn vị này."},
    )
    year = forms.IntegerField(
        label="Năm kế hoạch",
        min_value=MIN_PLAN_YEAR,
        max_value=MAX_PLAN_YEAR,
        error_messages={"required": "Hãy nhập năm kế hoạch.", "invalid": "Năm kế hoạch phải là một số."},
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"year": default_plan_year()})
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = creatable_units(user)


def _revision_field():
    """The revision of the row (or decision) the form was loaded with, sent back on save so that a
    change made by someone else meanwhile is refused rather than overwritten (plans.editing.services). The
    template writes the hidden input itself (the value to send next may be newer than the one posted)."""
    return forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class RowForm(forms.Form):
    """The cells shared by task rows and section rows, edited inline in the table."""

    revision = _revision_field()

    lead = forms.CharField(label="Chủ trì", required=False, widget=_area(2))
    partners = forms.CharField(label="Phối hợp", required=False, widget=_area(2))
    deadline_text = forms.CharField(
        label="Thời hạn",
        required=False,
        max_length=MAX_DEADLINE_CHARS,
        widget=_area(2),
        error_messages={
            "max_length": f"Thời hạn chỉ ghi tối đa {MAX_DEADLINE_CHARS} ký tự (ví dụ “Quý II/2024”, “Thường xuyên”); "
            "phần giải thích hãy ghi vào Nội dung hoặc Sản phẩm."
        },
    )
    product = forms.CharField(label="Sản phẩm dự kiến", required=False, widget=_area(2))

    LABEL_KEYS = {
        "number": "number",
        "content": "content",
        "lead": "lead",
        "partners": "partners",
        "deadline_text": "deadline",
        "product": "product",
    }

    def __init__(self, *args, labels=None, preview_url=None, **kwargs):
        """`labels`: the plan's column labels, so each field is named as its printed column;
        `preview_url`: where the deadline's meaning is asked for as the user types."""
        super().__init__(*args, **kwargs)
        for name, key in self.LABEL_KEYS.items():
            if labels and labels.get(key) and name in self.fields:
                self.fields[name].label = labels[key]
        if preview_url:
            self.fields["deadline_text"].widget.attrs.update(
                {
                    "hx-get": preview_url,
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "next .deadline-meaning",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                }
            )

    def focus_first(self):
        return autofocus(self, fallback=True)

    def service_data(self):
        """What plans.editing.services takes: the cells, without the revision."""
        return {name: value for name, value in self.cleaned_data.items() if name != "revision"}


class TaskForm(RowForm):
    number = forms.CharField(label="Số TT", required=False, max_length=20, widget=forms.TextInput(attrs={"size": 4}))
    content = forms.CharField(label="Nội dung công việc", required=False, widget=_area(3))

    field_order = ["number", "content", "lead", "partners", "deadline_text", "product"]


class SectionForm(RowForm):
    number = forms.CharField(label="Số mục", required=False, max_length=10, widget=forms.TextInput(attrs={"size": 4}))
    title = forms.CharField(label="Tên mục", required=False, widget=_area(2))

    field_order = ["number", "title", "lead", "partners", "deadline_text", "product"]
    LABEL_KEYS = {"lead": "lead", "partners": "partners", "deadline_text": "deadline", "product": "product"}


class DecisionForm(forms.ModelForm):
    issued_on = forms.DateField(
        label="Ngày ban hành",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="Để trống khi chưa ký.",
    )
    signer_prefix = forms.ChoiceField(label="Quyền hạn ký", choices=SIGNER_PREFIXES, required=False)
    revision = _revision_field()

    class Meta:
        model = Decision
        fields = [
            "governing_body",
            "issuing_body",
            "number",
            "number_suffix",
            "place",
            "issued_on",
            "date_month",
            "doc_type",
            "summary",
            "authority",
            "proposal",
            "signer_prefix",
            "signer_title",
            "signer_name",
        ]
        widgets = {
            "issuing_body": _area(2),
            "summary": _area(2),
            "authority": forms.TextInput(attrs={"size": 60}),
            "proposal": _area(2),
            "signer_title": _area(2),
            "number": forms.NumberInput(attrs={"min": 1}),
            "date_month": forms.NumberInput(attrs={"min": 1, "max": 12}),
        }
        help_texts = {"issuing_body": "Mỗi dòng một dòng in, ví dụ “ỦY BAN NHÂN DÂN” rồi “XÃ LÊ LỢI”."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False  # plans.editing.services says which fields may not be empty

    def service_data(self):
        return {name: value for name, value in self.cleaned_data.items() if name != "revision"}


class TableHeadingForm(forms.Form):
    table_heading = forms.CharField(label="Tiêu đề bảng", required=False, max_length=200)
    table_title = forms.CharField(label="Tên kế hoạch", required=False, widget=_area(2))
    table_attachment_line = forms.CharField(label="Dòng “Ban hành kèm theo …”", required=False, widget=_area(2))
    column_number = forms.CharField(label="Cột số thứ tự", required=False, max_length=100)
    column_content = forms.CharField(label="Cột nội dung", required=False, max_length=100)
    column_lead = forms.CharField(label="Cột chủ trì", required=False, max_length=100)
    column_partners = forms.CharField(label="Cột phối hợp", required=False, max_length=100)
    column_deadline = forms.CharField(label="Cột thời hạn", required=False, max_length=100)
    column_product = forms.CharField(label="Cột sản phẩm", required=False, max_length=100)
    # plans.editing.services.heading_token() of what the form was loaded with (written by the template).
    token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    COLUMNS = ("number", "content", "lead", "partners", "deadline", "product")

    @classmethod
    def initial_for(cls, plan):
        initial = {key: getattr(plan, key) for key in ("table_heading", "table_title", "table_attachment_line")}
        initial.update({f"column_{key}": plan.column_labels.get(key, "") for key in cls.COLUMNS})
        return initial

    def service_data(self):
        data = {key: self.cleaned_data[key] for key in ("table_heading", "table_title", "table_attachment_line")}
        data["column_labels"] = {key: self.cleaned_data[f"column_{key}"] for key in self.COLUMNS}
        return data


# --- ordered lists of the decision: legal bases, articles, recipients -------------------------------


class LegalBasisForm(forms.Form):
    text = forms.CharField(label="Căn cứ", widget=_area(3), error_messages={"required": "Căn cứ không được để trống."})


class ArticleForm(forms.Form):
    label = forms.CharField(
        label="Số điều",
        max_length=20,
        error_messages={"required": "Số điều không được để trống."},
        widget=forms.TextInput(attrs={"size": 8}),
    )
    heading = forms.CharField(label="Tên điều", required=False, max_length=300)
    body = forms.CharField(label="Nội dung", required=False, widget=_area(3))
    clauses = forms.CharField(label="Các khoản (mỗi khoản một dòng)", required=False, widget=_area(3))

    def clean_clauses(self):
        return [line.strip() for line in self.cleaned_data["clauses"].splitlines() if line.strip()]

    def clean(self):
        data = super().clean()
        if not (data.get("heading") or data.get("body") or data.get("clauses")):
            self.add_error("body", "Điều này chưa có nội dung.")
        return data


class RecipientForm(forms.Form):
    text = forms.CharField(
        label="Nơi nhận", max_length=300, error_messages={"required": "Nơi nhận không được để trống."}
    )
    group = forms.CharField(label="Mục đích (nếu có)", required=False, max_length=100)
    level = forms.TypedChoiceField(label="Cấp", choices=[(1, "- dòng chính"), (2, "+ dòng con")], coerce=int, initial=1)


class BaseListFormSet(forms.BaseFormSet):
    """An ordered list edited in one form: the buttons move, remove and add items before saving."""

    def raw_items(self):
        """The submitted values of every item, as typed, whatever their validity."""
        return [{name: form[name].value() for name in form.fields} for form in self.forms]


def list_formset(form_class):
    return forms.formset_factory(form_class, formset=BaseListFormSet, extra=0)


LegalBasisFormSet = list_formset(LegalBasisForm)
ArticleFormSet = list_formset(ArticleForm)
RecipientFormSet = list_formset(RecipientForm)


def apply_list_op(items, op):
    """Apply a list button ("up-2", "down-0", "remove-1", "add", "add-3" = insert after item 3) to
    the raw items; returns (items, index of the item to focus or None)."""
    action, _, position = op.partition("-")
    index = int(position) if position.isdigit() else None
    items = list(items)
    if action == "add":
        where = len(items) if index is None else min(index + 1, len(items))
        items.insert(where, {})
        return items, where
    if index is None or not 0 <= index < len(items):
        return items, None
    if action == "up" and index > 0:
        items[index - 1], items[index] = items[index], items[index - 1]
        return items, index - 1
    if action == "down" and index < len(items) - 1:
        items[index + 1], items[index] = items[index], items[index + 1]
        return items, index + 1
    if action == "remove":
        del items[index]
        return items, min(index, len(items) - 1) if items else None
    return items, index
