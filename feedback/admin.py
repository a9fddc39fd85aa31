"""Read-only admin pages of the reporters' comments and ratings.

They are written by the reporter through the services (feedback/services.py); the
administrator can look, never add, change or delete.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from workflow.models.cases import clean_tracking_code

from .models import Comment, Rating


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None
    show_full_result_count = False
    search_fields = ("=case__tracking_code",)
    list_select_related = ("case",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # Tracking codes as people type them: any case, with a dash or spaces.
        return super().get_search_results(request, queryset, clean_tracking_code(search_term))

    @admin.display(description=_("case"), ordering="case__tracking_code")
    def case_code(self, obj: Comment | Rating) -> str:
        return obj.case.display_code


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case_code", "author_kind", "unit", "author")
    list_filter = ("author_kind",)
    list_select_related = ("case", "unit", "author")
    ordering = ("-created_at", "-pk")
    fields = ("case_code", "author_kind", "unit", "author", "created_at", "body")


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case_code", "round", "value")
    list_filter = ("value",)
    ordering = ("-created_at", "-pk")
    fields = ("case_code", "round", "value", "note", "created_at")
