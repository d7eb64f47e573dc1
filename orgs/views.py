"""The audit log page: who did what, when and from where, for superusers and unit administrators."""

import json

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .audit import can_read_audit_log, events_visible_to
from .models import AuditEvent, Membership, Unit

PAGE_SIZE = 50
ACTION_GROUPS = [
    ("auth.*", "Đăng nhập, đăng xuất (tất cả)"),
    ("access.*", "Truy cập bị từ chối (tất cả)"),
    ("plan.*", "Thay đổi kế hoạch (tất cả)"),
]


def administered_units(user):
    """The units whose lines `user` may read: every unit for a superuser, else the subtrees of the
    units it administers."""
    units = Unit.objects.order_by("path")
    if user.is_superuser:
        return units
    condition = Q(pk__in=[])
    for membership in user.memberships.filter(role=Membership.Role.ADMIN).select_related("unit"):
        condition |= Q(path__startswith=membership.unit.path)
    return units.filter(condition)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="Hành động", required=False)
    user = forms.CharField(label="Người dùng", required=False, max_length=150)
    unit = forms.ModelChoiceField(
        label="Đơn vị (cả các đơn vị trực thuộc)", queryset=Unit.objects.none(), required=False, empty_label="Tất cả"
    )
    date_from = forms.DateField(
        label="Từ ngày", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label="Đến ngày", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    q = forms.CharField(label="Tìm", required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Tất cả"), *ACTION_GROUPS, *AuditEvent.Action.choices]
        self.fields["unit"].queryset = administered_units(user)
        self.fields["user"].widget.attrs["placeholder"] = "tên đăng nhập"
        self.fields["q"].widget.attrs["placeholder"] = "đối tượng, địa chỉ IP, đường dẫn, chi tiết…"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "“Đến ngày” phải sau “Từ ngày”.")
        return cleaned

    def filter(self, events):
        data = self.cleaned_data
        action = data.get("action")
        if action:
            events = (
                events.filter(action__startswith=action[:-1]) if action.endswith(".*") else events.filter(action=action)
            )
        if data.get("user"):
            events = events.filter(actor_username__icontains=data["user"].strip())
        if data.get("unit"):
            events = events.filter(unit__path__startswith=data["unit"].path)
        if data.get("date_from"):
            events = events.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            events = events.filter(created_at__date__lte=data["date_to"])
        text = (data.get("q") or "").strip()
        if text:
            events = events.filter(
                Q(target_repr__icontains=text)
                | Q(actor_username__icontains=text)
                | Q(ip_address__icontains=text)
                | Q(path__icontains=text)
                | Q(details__icontains=text)
                # SQLite keeps JSON with non-ASCII letters escaped ("m\u1ee5c"); PostgreSQL does not.
                | Q(details__icontains=json.dumps(text)[1:-1])
            )
        return events


@require_GET
def audit_log(request):
    if not can_read_audit_log(request.user):
        raise PermissionDenied("Chỉ quản trị viên xem được nhật ký hệ thống.")
    form = AuditFilterForm(request.GET or None, user=request.user)
    events = events_visible_to(request.user).select_related("actor", "unit")
    if form.is_bound and form.is_valid():
        events = form.filter(events)
    elif form.is_bound:
        events = events.none()
    page = Paginator(events.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    context = {
        "form": form,
        "page": page,
        "params": params.urlencode(),
        "filtered": any(request.GET.get(name) for name in form.fields),
    }
    return render(request, "orgs/audit_log.html", context)
