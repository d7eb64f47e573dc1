from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .audit import can_read_audit_log, events_visible_to
from .models import AuditEvent, Membership, Unit, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "official_code", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "official_code", "slug"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    fieldsets = BaseUserAdmin.fieldsets + (("Thông tin khác", {"fields": ["full_name"]}),)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
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
