from django.contrib import admin

from .models import Digest


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["day", "user", "email", "email_attempts", "emailed_at"]
    list_filter = ["email", "day"]
    search_fields = ["user__username", "user__full_name"]
    readonly_fields = ["user", "day", "items", "created_at", "email", "email_attempts", "email_error", "emailed_at"]
