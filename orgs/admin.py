from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from . import accounts
from .audit import can_read_audit_log, events_visible_to
from .models import AuditEvent, Membership, Unit, User
from .reorganisation import ReorganisationError, parse_file, reorganise


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


class ReorganiseForm(forms.Form):
    text = forms.CharField(
        label="Tệp tổ chức lại (JSON)",
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100, "spellcheck": "false"}),
        help_text='{"effective": "2025-07-01", "operations": [{"op": "dissolve", "unit": …}, …], "memberships": […]}',
        required=False,
    )
    file = forms.FileField(label="hoặc tải tệp lên", required=False)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            cleaned["text"] = upload.read(1_000_000).decode("utf-8", errors="replace")
        if not (cleaned.get("text") or "").strip():
            raise forms.ValidationError("Hãy dán nội dung tệp JSON hoặc chọn tệp.")
        return cleaned


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "official_code", "parent", "valid_from", "valid_until"]
    list_filter = ["kind", ("valid_until", admin.EmptyFieldListFilter)]
    search_fields = ["name", "official_code", "slug"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["predecessors"]
    prepopulated_fields = {"slug": ["name"]}

    def get_urls(self):
        view = self.admin_site.admin_view(self.reorganise_view)
        return [path("to-chuc-lai/", view, name="orgs_unit_reorganise"), *super().get_urls()]

    def reorganise_view(self, request):
        """Preview a reorganisation (what it would change), then apply it: orgs.reorganisation."""
        if not request.user.is_superuser:
            raise PermissionDenied("Chỉ quản trị hệ thống được tổ chức lại cây đơn vị.")
        form = ReorganiseForm(request.POST or None, request.FILES or None)
        result, error = None, ""
        if request.method == "POST" and form.is_valid():
            apply = "apply" in request.POST
            try:
                result = reorganise(parse_file(form.cleaned_data["text"]), actor=request.user, dry_run=not apply)
            except ReorganisationError as refused:
                error = str(refused)
            else:
                if result.applied:
                    messages.success(request, f"Đã tổ chức lại đơn vị ({len(result.changes)} thay đổi).")
                    return redirect("admin:orgs_unit_changelist")
                form = ReorganiseForm(initial={"text": form.cleaned_data["text"]})
        context = {
            **self.admin_site.each_context(request),
            "title": "Tổ chức lại đơn vị hành chính",
            "form": form,
            "result": result,
            "error": error,
            "opts": self.model._meta,
        }
        return render(request, "admin/orgs/unit/reorganise.html", context)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    fieldsets = BaseUserAdmin.fieldsets + (("Thông tin khác", {"fields": ["full_name"]}),)
    actions = ["force_password_reset", "deactivate", "reset_second_factor"]

    @admin.action(description="Buộc đặt lại mật khẩu (gửi thư đặt lại, kết thúc mọi phiên)", permissions=["change"])
    def force_password_reset(self, request, queryset):
        """orgs.accounts.force_password_reset for each chosen user but the administrator themself."""
        done, without_email = [], []
        for user in self._others(request, queryset):
            if accounts.force_password_reset(user=user, actor=request.user, request=request) is None:
                without_email.append(user.get_username())
            done.append(user)
        if done:
            messages.success(
                request,
                f"Đã buộc đặt lại mật khẩu cho {len(done)} tài khoản: mật khẩu cũ không còn dùng được, "
                "mọi phiên đăng nhập đã kết thúc, thư đặt lại mật khẩu đã được xếp hàng gửi.",
            )
        if without_email:
            messages.warning(
                request,
                "Không có địa chỉ thư điện tử, chưa gửi được thư đặt lại mật khẩu cho: "
                f"{', '.join(without_email)}. Hãy nhập địa chỉ thư hoặc đặt mật khẩu mới cho họ.",
            )

    @admin.action(description="Khóa tài khoản (kết thúc mọi phiên)", permissions=["change"])
    def deactivate(self, request, queryset):
        """orgs.accounts.deactivate_user for each chosen active user but the administrator themself."""
        users = [user for user in self._others(request, queryset) if user.is_active]
        for user in users:
            accounts.deactivate_user(user=user, actor=request.user, request=request)
        if users:
            names = ", ".join(user.get_username() for user in users)
            messages.success(
                request, f"Đã khóa {len(users)} tài khoản và kết thúc mọi phiên đăng nhập của họ: {names}."
            )

    @admin.action(description="Đặt lại xác thực hai bước (mất điện thoại và mã dự phòng)", permissions=["change"])
    def reset_second_factor(self, request, queryset):
        """orgs.two_factor.remove for each chosen user but the administrator themself: they enrol again
        at their next workflow step."""
        from . import two_factor

        users = [user for user in self._others(request, queryset) if two_factor.enrolled(user)]
        for user in users:
            two_factor.remove(user=user, actor=request.user, request=request)
        if users:
            names = ", ".join(user.get_username() for user in users)
            messages.success(
                request,
                f"Đã đặt lại xác thực hai bước của {len(users)} tài khoản: {names}. Họ sẽ đăng ký lại ứng dụng "
                "xác thực ở bước quy trình tiếp theo.",
            )
        else:
            messages.info(request, "Không tài khoản nào được chọn có xác thực hai bước để đặt lại.")

    def save_model(self, request, obj, form, change):
        """Unticking "active" in the form is deactivating too: the user's sessions end, audited."""
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivated:
            accounts.deactivate_user(user=obj, actor=request.user, request=request)

    def _others(self, request, queryset):
        """The chosen users, leaving out the administrator doing it (told so)."""
        users = list(queryset.order_by("username"))
        if any(user.pk == request.user.pk for user in users):
            messages.warning(request, "Bỏ qua tài khoản của chính bạn: hãy dùng trang Tài khoản để đổi mật khẩu.")
        return [user for user in users if user.pk != request.user.pk]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "ended_on"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: lines are written by orgs.audit only. A unit administrator sees its subtree's."""

    list_display = ["created_at", "actor_username", "action", "target_repr", "unit", "ip_address"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter), ("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["actor_username", "target_repr", "ip_address", "path"]
    date_hierarchy = "created_at"
    list_select_related = ["unit"]
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def get_queryset(self, request):
        return events_visible_to(request.user)

    def has_module_permission(self, request):
        return can_read_audit_log(request.user)

    def has_view_permission(self, request, obj=None):
        return can_read_audit_log(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
