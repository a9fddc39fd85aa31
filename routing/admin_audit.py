"""Every change made in the admin, to any model of any app, is audited (SECURITY AU1).

The admin writes a LogEntry for each addition, change and deletion (ModelAdmin.log_addition,
log_change, log_deletions), whichever ModelAdmin it is: one receiver of those rows audits them
all, with the administrator, the address (routing.middleware), the object, and the names of
the fields changed, never their values. A password set on the user admin's password page is a
change of the field "password". Django writes the entries of a bulk deletion (the list's
"delete selected" action) with bulk_create, which sends no signal: the site-wide action is
replaced by one that audits what it deleted. An admin's own audit rows with more meaning
(an API key issued, a two-factor device reset) are kept beside these.
"""

from __future__ import annotations

import json
from functools import wraps
from typing import Any

from django.contrib.admin.actions import delete_selected
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.response import TemplateResponse

from .audit import current_request, record
from .models import AuditEvent

User = get_user_model()
CHANGES = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_log_entry")
def audit_admin_log_entry(*, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created or instance.content_type_id is None:
        return
    content_type = ContentType.objects.get_for_id(instance.content_type_id)
    audit_admin_change(
        user_id=instance.user_id, object_type=f"{content_type.app_label}.{content_type.model}",
        object_id=str(instance.object_id), change=CHANGES.get(instance.action_flag, "changed"),
        message=instance.change_message,
    )


def audit_admin_change(*, user_id: int | None, object_type: str, object_id: str, change: str,
                       message: str = "") -> None:
    """One audit row per change; a deletion once, though the list's action may report it
    both through a LogEntry (a single object) and itself."""
    request = current_request()
    if request is not None and change == "deleted":
        done: set[tuple[str, str]] = getattr(request, "_audit_admin_deleted", set())
        request._audit_admin_deleted = done  # type: ignore[attr-defined]
        if (object_type, object_id) in done:
            return
        done.add((object_type, object_id))
    actor = request.user if request is not None and request.user.pk == user_id else None
    if actor is None and user_id is not None:
        actor = User.objects.filter(pk=user_id).first()
    record(AuditEvent.Action.ADMIN_CHANGED, actor=actor, object_type=object_type,
           object_id=object_id, change=change, **what_changed(message))


def what_changed(message: str) -> dict[str, Any]:
    """The changed fields' names and the inline rows' kinds from a LogEntry's message, without
    the objects' names or any value."""
    try:
        entries = json.loads(message) if message else []
    except ValueError:
        return {}
    fields: list[str] = []
    related: list[dict[str, str]] = []
    for entry in entries if isinstance(entries, list) else []:
        for change, info in entry.items() if isinstance(entry, dict) else []:
            if not isinstance(info, dict):
                continue
            if "name" in info:  # a row of an inline
                related.append({"change": change, "model": str(info["name"])})
            else:
                fields += [str(field) for field in info.get("fields", [])]
    summary: dict[str, Any] = {}
    if fields:
        summary["fields"] = fields
    if related:
        summary["related"] = related
    return summary


@wraps(delete_selected)
def audited_delete_selected(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]
) -> TemplateResponse | None:
    """Django's "delete selected" action, auditing each object it deleted."""
    doomed = [(obj._meta.label_lower, str(obj.pk)) for obj in queryset] if (
        request.POST.get("post")) else []
    response = delete_selected(modeladmin, request, queryset)
    if response is None:  # deleted: the confirmation page was not shown again
        for object_type, object_id in doomed:
            audit_admin_change(user_id=request.user.pk, object_type=object_type,
                               object_id=object_id, change="deleted")
    return response
