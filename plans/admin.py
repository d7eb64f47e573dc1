from django.contrib import admin

from .models import (
    Appendix,
    AppendixRow,
    Article,
    Decision,
    LegalBasis,
    Notification,
    Plan,
    PlanComment,
    PlanPdf,
    PlanTransition,
    Recipient,
)


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0
    show_change_link = True


class AppendixInline(admin.TabularInline):
    model = Appendix
    extra = 0
    fields = ["order", "heading", "title"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "revision", "status", "version", "updated_at"]
    list_filter = ["status", "year", "unit__kind"]
    search_fields = ["unit__name", "table_title"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["version"]
    inlines = [DecisionInline, AppendixInline]


class LegalBasisInline(admin.TabularInline):
    model = LegalBasis
    extra = 0


class ArticleInline(admin.StackedInline):
    model = Article
    extra = 0


class RecipientInline(admin.TabularInline):
    model = Recipient
    extra = 0


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["plan", "doc_type", "number", "issued_on", "signer_name"]
    search_fields = ["plan__unit__name", "summary"]
    inlines = [LegalBasisInline, ArticleInline, RecipientInline]


class AppendixRowInline(admin.TabularInline):
    model = AppendixRow
    extra = 0


@admin.register(Appendix)
class AppendixAdmin(admin.ModelAdmin):
    list_display = ["plan", "heading", "title"]
    inlines = [AppendixRowInline]


@admin.register(PlanPdf)
class PlanPdfAdmin(admin.ModelAdmin):
    list_display = ["plan", "plan_version", "state", "attempts", "queued_at", "finished_at"]
    list_filter = ["state"]
    readonly_fields = ["error"]


# --- workflow (read-only: every change goes through plans.workflow / plans.comments) ---------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PlanTransition)
class PlanTransitionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "from_status", "to_status", "user", "plan_version", "created_at"]
    list_filter = ["to_status"]
    search_fields = ["plan__unit__name", "user__username", "comment"]
    list_select_related = ["plan__unit", "user"]


@admin.register(PlanComment)
class PlanCommentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "task_label", "author", "created_at", "resolved_at"]
    list_filter = ["resolved_at"]
    search_fields = ["plan__unit__name", "author__username", "text"]
    list_select_related = ["plan__unit", "author"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "verb", "plan", "actor", "created_at", "read_at"]
    list_filter = ["verb"]
    search_fields = ["recipient__username", "text"]
    list_select_related = ["recipient", "plan__unit", "actor"]
