"""Read-only admin pages of the periodic report drafts and their notices.

Drafts change through the reports pages (the department's text, then final), notices through
the mailer: here the administrator can look, never add, change or delete. The stored PDFs and
workbooks are not linked or previewed: a final report is read on the drafts page.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from workflow.admin import ReadOnlyAdmin

from .models import ReportDraft, ReportDraftNotice


def _period(draft: ReportDraft) -> str:
    return f"{draft.period_start:%d/%m/%Y} – {draft.period_end:%d/%m/%Y}"


@admin.register(ReportDraft)
class ReportDraftAdmin(ReadOnlyAdmin):
    list_display = ("kind", "period", "status", "due_on", "generated_at", "finalised_at")
    list_filter = ("kind", "status")
    ordering = ("-due_on", "kind", "pk")
    date_hierarchy = "due_on"
    fields = ("kind", "period", "due_on", "status", "number", "difficulties", "generated_at",
              "updated_at", "updated_by", "finalised_at", "pdf_sha256")

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, obj: ReportDraft) -> str:
        return _period(obj)


@admin.register(ReportDraftNotice)
class ReportDraftNoticeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "report", "user", "emailed_at", "attempts", "last_error")
    list_filter = ("draft__kind",)
    list_select_related = ("draft", "user")
    ordering = ("-created_at", "-pk")
    fields = ("report", "user", "created_at", "emailed_at", "attempts", "last_error")

    @admin.display(description=_("report draft"), ordering="draft__due_on")
    def report(self, obj: ReportDraftNotice) -> str:
        return f"{obj.draft.get_kind_display()} · {_period(obj.draft)}"
