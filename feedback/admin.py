"""Read-only admin pages of the reporters' comments and ratings.

They are written by the reporter through the services (feedback/services.py); the
administrator can look, never add, change or delete.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from workflow.admin import ReadOnlyAdmin, TrackingCodeSearch

from .models import Comment, Rating


class CaseRowAdmin(TrackingCodeSearch, ReadOnlyAdmin):
    search_fields = ("=case__tracking_code",)
    list_select_related = ("case",)

    @admin.display(description=_("case"), ordering="case__tracking_code")
    def case_code(self, obj: Comment | Rating) -> str:
        return obj.case.display_code


@admin.register(Comment)
class CommentAdmin(CaseRowAdmin):
    list_display = ("created_at", "case_code", "author_kind", "unit", "author")
    list_filter = ("author_kind",)
    list_select_related = ("case", "unit", "author")
    ordering = ("-created_at", "-pk")
    fields = ("case_code", "author_kind", "unit", "author", "created_at", "body")


@admin.register(Rating)
class RatingAdmin(CaseRowAdmin):
    list_display = ("created_at", "case_code", "round", "value")
    list_filter = ("value",)
    ordering = ("-created_at", "-pk")
    fields = ("case_code", "round", "value", "note", "created_at")
