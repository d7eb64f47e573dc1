from django.contrib import admin

from .models import Digest


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["day", "user", "email_message"]
    list_filter = ["day"]
    search_fields = ["user__username", "user__full_name"]
    readonly_fields = ["user", "day", "items", "created_at", "email_message"]
