"""Read-only admin pages of the reporters' comments and ratings, the web form's submissions
and the mailbox's messages, and the channel API keys.

Comments and ratings are written by the reporter through the services
(feedback/services.py); the administrator can look, never add, change or delete. API keys
are issued here: the key is shown once, on the page that follows its creation.
"""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from routing.audit import record
from routing.models import AuditEvent
from workflow.admin import ReadOnlyAdmin, TrackingCodeSearch

from . import intake
from .models import ApiKey, ChannelSender, Comment, IncomingEmail, Rating, Submission


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


@admin.register(ChannelSender)
class ChannelSenderAdmin(CaseRowAdmin):
    """Which platform a case came from; the sender's id and the raw event stay off screen."""

    list_display = ("received_at", "case_code", "platform", "page_id")
    list_filter = ("platform",)
    ordering = ("-received_at", "-pk")
    fields = ("case_code", "platform", "page_id", "received_at")


@admin.register(IncomingEmail)
class IncomingEmailAdmin(ReadOnlyAdmin):
    """What the 1022 mailbox's intake did with each message: the case it made, or why not.
    The notes name attachment types and sizes, never an address or the text."""

    list_display = ("received_at", "case_code", "outcome", "note")
    list_filter = ("outcome",)
    list_select_related = ("case",)
    search_fields = ("=case__tracking_code",)
    ordering = ("-received_at", "-pk")
    fields = ("case_code", "outcome", "note", "received_at")

    @admin.display(description=_("case"), ordering="case__tracking_code")
    def case_code(self, obj: IncomingEmail) -> str:
        return obj.case.display_code if obj.case_id else "—"


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    """The web form's submissions: the case each became, and any the worker could not build
    (attempts); the reporter's details, waiting in them for seconds, are not shown."""

    list_display = ("received_at", "code", "case_code", "attempts")
    list_filter = (("case", admin.EmptyFieldListFilter),)
    list_select_related = ("case",)
    search_fields = ("=tracking_code",)
    ordering = ("-received_at", "-pk")
    fields = ("code", "case_code", "received_at", "attempts")
    actions = ("build_again",)

    @admin.action(description=_("Build the case again (once the cause is fixed)"),
                  permissions=("build",))
    def build_again(self, request: HttpRequest, queryset: Any) -> None:
        """A submission the worker gave up on (its attempts are logged) is tried again."""
        ids = intake.try_again(queryset)
        for submission_id in ids:
            record(AuditEvent.Action.CONFIG_CHANGED, request=request,
                   change="submission_build_again", submission_id=submission_id)
        self.message_user(request, ngettext(
            "%(count)d submission will be built again within the minute.",
            "%(count)d submissions will be built again within the minute.", len(ids),
        ) % {"count": len(ids)}, messages.SUCCESS)

    def has_build_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    @admin.display(description=_("tracking code"), ordering="tracking_code")
    def code(self, obj: Submission) -> str:
        return obj.display_code

    @admin.display(description=_("case"), ordering="case__tracking_code")
    def case_code(self, obj: Submission) -> str:
        return obj.case.display_code if obj.case_id else _("not built yet")


# Rendered once, right after the key is issued; the key is in no message, log or session.
# The texts come translated from Python, where makemessages finds them.
_ISSUED_TEMPLATE = """{% extends "admin/base_site.html" %}
{% block content %}<div id="content-main">
<p>{{ issued }}</p><p>{{ warning }}</p>
<p><code id="issued-api-key">{{ raw_key }}</code></p>
<p><a href="{{ changelist_url }}">{{ back }}</a></p>
</div>{% endblock %}"""


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    readonly_fields = ("prefix", "created_at", "last_used_at")

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return ["name", "is_active"]
        return ["name", "is_active", "prefix", "created_at", "last_used_at"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if not change:
            # Kept on the request only, for response_add; never stored, logged or messaged.
            request._issued_api_key = obj.set_new_key()  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)
        record(AuditEvent.Action.CONFIG_CHANGED, request=request, obj=obj,
               change="api_key_changed" if change else "api_key_issued",
               active=obj.is_active)

    def delete_model(self, request: HttpRequest, obj: ApiKey) -> None:
        record(AuditEvent.Action.CONFIG_CHANGED, request=request, obj=obj,
               change="api_key_deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def response_add(self, request: HttpRequest, obj: ApiKey,
                     post_url_continue: str | None = None) -> HttpResponse:
        raw = getattr(request, "_issued_api_key", None)
        if raw is None:  # pragma: no cover — save_model always sets it on add
            return super().response_add(request, obj, post_url_continue)
        template = engines["django"].from_string(_ISSUED_TEMPLATE)
        response = TemplateResponse(request, template, {
            **self.admin_site.each_context(request),
            "title": _("API key issued"), "raw_key": raw, "opts": self.opts,
            "issued": _("The API key of “%(name)s” was issued.") % {"name": obj.name},
            "warning": _("Copy it now and hand it over safely: it is shown this once and "
                         "cannot be read again."),
            "back": _("Back to the API keys"),
            "changelist_url": reverse("admin:feedback_apikey_changelist"),
        })
        response["Cache-Control"] = "no-store"
        return response
