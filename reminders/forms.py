from django import forms

from .models import Preference, UnitDefault
from .preferences import MAX_DAYS, MAX_HOUR, MIN_DAYS, MIN_HOUR

EMAIL_CHOICES = [("", "Theo mặc định của đơn vị"), ("1", "Có"), ("0", "Không")]


class PreferenceForm(forms.ModelForm):
    email = forms.TypedChoiceField(
        label="Gửi bản nhắc qua thư điện tử",
        choices=EMAIL_CHOICES,
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )
    days_ahead = forms.IntegerField(
        label="Nhắc trước hạn (ngày)",
        min_value=MIN_DAYS,
        max_value=MAX_DAYS,
        required=False,
        help_text="Để trống: theo mặc định của đơn vị.",
    )
    hour = forms.IntegerField(
        label="Giờ nhận bản nhắc (5–20 giờ)",
        min_value=MIN_HOUR,
        max_value=MAX_HOUR,
        required=False,
        help_text="Để trống: theo mặc định của đơn vị.",
    )

    class Meta:
        model = Preference
        fields = ["email", "days_ahead", "hour"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.email is not None:
            self.initial["email"] = "1" if self.instance.email else "0"


class UnitDefaultForm(forms.ModelForm):
    days_ahead = forms.IntegerField(label="Nhắc trước hạn (ngày)", min_value=MIN_DAYS, max_value=MAX_DAYS)
    hour = forms.IntegerField(label="Giờ nhận bản nhắc (5–20 giờ)", min_value=MIN_HOUR, max_value=MAX_HOUR)

    class Meta:
        model = UnitDefault
        fields = ["email", "days_ahead", "hour"]
