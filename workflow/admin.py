"""Read-only admin pages of cases and what hangs off them.

Cases change state only through the services, which the staff pages call; here the
administrator can look, never add, change or delete. The reporter's identity and the
petition's text are not shown: they are read on the permission-checked staff pages
(Art. 13.8, 17.6; state secrets are for the coordinator and the assigned units only).
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import workflow.calendar_admin  # noqa: F401 — registers the working calendar's pages
from routing.audit import record
from routing.models import AuditEvent

from .models import (
    AbuseListEntry,
    Case,
    CaseEvent,
    DeadlineAlert,
    MessageTemplate,
    OutboxMessage,
    SentMessage,
    SignedLetter,
)
from .models.cases import clean_tracking_code
from .notifications.labels import message_choices, message_label
from .notifications.render import default_texts, sms_segments, sms_text


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never touch: no add, change or delete, and no bulk actions."""

    actions = None
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class TrackingCodeSearch:
    """Search by tracking code as people type it: any case, with a dash or spaces."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        return super().get_search_results(  # type: ignore[misc]
            request, queryset, clean_tracking_code(search_term)
        )


def _case_code(obj: Any) -> str:
    return obj.case.display_code


@admin.register(Case)
class CaseAdmin(TrackingCodeSearch, ReadOnlyAdmin):
    list_display = ("tracking_code", "state", "channel", "category", "received_at", "due_at",
                    "is_overdue")
    list_filter = ("state", "channel", "category")
    search_fields = ("=tracking_code",)
    list_select_related = ("category",)
    ordering = ("-received_at",)
    fields = (
        "tracking_code", "state", "channel", "received_at", "category", "area",
        "is_confidential", "is_state_secret", "due_at", "overdue_at", "rejection_reason",
        "published_at", "reopen_count", "updated_at",
    )

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue(self, obj: Case) -> bool:
        return obj.is_overdue


@admin.register(CaseEvent)
class CaseEventAdmin(TrackingCodeSearch, ReadOnlyAdmin):
    list_display = ("at", "case_code", "kind", "from_state", "to_state", "unit", "actor",
                    "actor_label")
    list_filter = ("kind",)
    search_fields = ("=case__tracking_code",)
    list_select_related = ("case", "unit", "actor")
    ordering = ("-at", "-pk")
    fields = ("case_code", "at", "kind", "from_state", "to_state", "unit", "actor",
              "actor_label", "note", "data")

    @admin.display(description=_("case"), ordering="case__tracking_code")
    def case_code(self, obj: CaseEvent) -> str:
        return _case_code(obj)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(TrackingCodeSearch, ReadOnlyAdmin):
    list_display = ("created_at", "case_code", "channel", "to_reporter", "message", "status",
                    "attempts", "sent_at")
    list_filter = ("status", "channel", "to_reporter")
    search_fields = ("=case__tracking_code",)
    list_select_related = ("case",)
    ordering = ("-created_at", "-pk")
    fields = ("case_code", "key", "channel", "to_reporter", "recipient_user", "message",
              "language", "status", "attempts", "next_attempt_at", "last_error", "created_at",
              "sent_at")

    @admin.display(description=_("case"), ordering="case__tracking_code")
    def case_code(self, obj: OutboxMessage) -> str:
        return _case_code(obj)

    @admin.display(description=_("message"), ordering="template")
    def message(self, obj: OutboxMessage) -> str:
        return message_label(obj.template)


@admin.register(DeadlineAlert)
class DeadlineAlertAdmin(TrackingCodeSearch, ReadOnlyAdmin):
    list_display = ("at", "kind", "case_code", "stage", "unit", "due_at")
    list_filter = ("kind", "stage")
    search_fields = ("=case__tracking_code",)
    list_select_related = ("case", "unit")
    ordering = ("-at", "-pk")
    fields = ("case_code", "kind", "stage", "unit", "due_at", "at", "key")

    @admin.display(description=_("case"), ordering="case__tracking_code")
    def case_code(self, obj: DeadlineAlert) -> str:
        return _case_code(obj)


class MessageTemplateForm(forms.ModelForm):
    key = forms.ChoiceField(label=_("message"), choices=message_choices)

    class Meta:
        model = MessageTemplate
        fields = ("key", "language", "sms_text", "email_subject", "email_body")


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """The administrator's wording of the messages; a blank field keeps the built-in text."""

    form = MessageTemplateForm
    list_display = ("message", "language", "updated_at")
    list_filter = ("language",)
    search_fields = ("key",)
    readonly_fields = ("built_in",)
    fields = ("key", "language", "sms_text", "email_subject", "email_body", "built_in")

    @admin.display(description=_("message"), ordering="key")
    def message(self, obj: MessageTemplate) -> str:
        return message_label(obj.key)

    @admin.display(description=_("built-in text"))
    def built_in(self, obj: MessageTemplate) -> str:
        if not obj.pk:
            return "-"
        texts = default_texts(obj.key, obj.language)
        text = sms_text(texts["sms"], without_diacritics=True)
        encoding, count = sms_segments(text)
        sms = f"{texts['sms']}  [{encoding}, {count}]" if texts["sms"] else ""
        return "\n\n".join(part for part in (sms, texts["subject"], texts["body"]) if part)


@admin.register(AbuseListEntry)
class AbuseListEntryAdmin(admin.ModelAdmin):
    """The abuse list of Art. 18.2. Entries are switched off, never deleted by hand (retention
    deletes them after ABUSE_LIST_RETENTION_DAYS, or once switched off), and every change is
    audited by id and kind (the value is a person's contact, SECURITY AU3)."""

    list_display = ("kind", "value", "active", "added_at", "added_by")
    list_filter = ("kind", "active")
    search_fields = ("value",)
    list_select_related = ("added_by",)
    ordering = ("-added_at", "-pk")
    fields = ("kind", "value", "reason", "active", "added_by", "added_at")
    readonly_fields = ("added_by", "added_at")
    actions = None

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: AbuseListEntry, form: Any,
                   change: bool) -> None:
        if not change:
            obj.added_by, obj.added_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
        record(AuditEvent.Action.CONFIG_CHANGED, request=request, obj=obj,
               change="abuse_list_changed" if change else "abuse_list_added", kind=obj.kind,
               active=obj.active)


@admin.register(SignedLetter)
class SignedLetterAdmin(ReadOnlyAdmin):
    """Signed letters change through the unit's upload only; the stored PDF is not linked
    or previewed here: it is read on the permission-checked case pages."""

    list_display = ("uploaded_at", "case_code", "unit", "sha256", "size", "has_signature",
                    "uploaded_by")
    list_filter = ("has_signature",)
    search_fields = ("=sha256",)
    list_select_related = ("assignment__case", "assignment__unit", "uploaded_by")
    ordering = ("-uploaded_at", "-pk")
    # No "file": the bytes are not previewed or linked here.
    fields = ("case_code", "unit", "sha256", "size", "has_signature", "uploaded_by",
              "uploaded_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SignedLetter]:
        return super().get_queryset(request).select_related(
            "assignment__case", "assignment__unit", "uploaded_by"
        )

    @admin.display(description=_("case"), ordering="assignment__case__tracking_code")
    def case_code(self, obj: SignedLetter) -> str:
        return obj.assignment.case.display_code

    @admin.display(description=_("unit"), ordering="assignment__unit__name")
    def unit(self, obj: SignedLetter) -> str:
        return obj.assignment.unit.name


@admin.register(SentMessage)
class SentMessageAdmin(ReadOnlyAdmin):
    """What the demo and development "sent" with no gateway configured (SMS, e-mail,
    Facebook, Zalo). They hold one-time codes and reporters' addresses: administrators
    only, whatever permissions a staff account was given."""

    list_display = ("sent_at", "kind", "recipient", "subject", "reference")
    list_filter = ("kind",)
    search_fields = ("recipient", "reference")
    ordering = ("-sent_at", "-pk")
    fields = ("kind", "recipient", "subject", "body", "reference", "sent_at")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_active and request.user.is_superuser
