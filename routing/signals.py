"""Audit rows for log-ins, log-outs and role changes (SECURITY AU1).

Role changes made in the admin carry the admin's request (`_audit_request`, set by
routing/admin.py), so the row says who changed the role and from where.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from .audit import record
from .models import AuditEvent, Membership, ProvinceRole

User = get_user_model()

# The flags of the user model that grant power in the portal or the admin.
USER_ROLE_FLAGS = ("is_superuser", "is_staff", "is_active")


@receiver(user_logged_in, dispatch_uid="audit_logged_in")
def audit_logged_in(*, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(AuditEvent.Action.LOGIN_SUCCEEDED, request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(
    *, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in `credentials`; only the user name is kept.
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    record(AuditEvent.Action.LOGIN_FAILED, request=request, outcome="failed",
           username_tried=username)


@receiver(user_logged_out, dispatch_uid="audit_logged_out")
def audit_logged_out(*, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AuditEvent.Action.LOGGED_OUT, request=request, actor=user)


@receiver(post_save, sender=Membership, dispatch_uid="audit_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="audit_membership_deleted")
@receiver(post_save, sender=ProvinceRole, dispatch_uid="audit_province_role_saved")
@receiver(post_delete, sender=ProvinceRole, dispatch_uid="audit_province_role_deleted")
def audit_role_change(
    *, sender: type, instance: Membership | ProvinceRole, created: bool | None = None,
    **kwargs: Any,
) -> None:
    change = "revoked" if created is None else ("granted" if created else "changed")
    detail: dict[str, Any] = {"change": change, "user_id": instance.user_id,
                              "role": instance.role}
    if isinstance(instance, Membership):
        detail["unit_id"] = instance.unit_id
    request = getattr(instance, "_audit_request", None)
    record(AuditEvent.Action.ROLE_CHANGED, request=request, obj=instance, **detail)


@receiver(pre_save, sender=User, dispatch_uid="audit_user_flags_before")
def remember_user_flags(*, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    # A log-in saves last_login alone: no need to read the row for that.
    if instance.pk is None or (
        update_fields is not None and not set(update_fields) & set(USER_ROLE_FLAGS)
    ):
        return
    instance._audit_old_flags = (
        User.objects.filter(pk=instance.pk).values(*USER_ROLE_FLAGS).first()
    )


@receiver(post_save, sender=User, dispatch_uid="audit_user_flags_after")
def audit_user_flags(*, instance: Any, created: bool, **kwargs: Any) -> None:
    new = {flag: getattr(instance, flag) for flag in USER_ROLE_FLAGS}
    old: dict[str, Any] | None  # the flags as remember_user_flags read them
    if created:
        old = {"is_superuser": False, "is_staff": False, "is_active": True}
    else:
        old = getattr(instance, "_audit_old_flags", None)
        if old is None:
            return
    changed = {flag: new[flag] for flag in USER_ROLE_FLAGS if old[flag] != new[flag]}
    instance._audit_old_flags = None
    if changed:
        request = getattr(instance, "_audit_request", None)
        record(AuditEvent.Action.ROLE_CHANGED, request=request, obj=instance,
               change="created" if created else "changed", user_id=instance.pk, **changed)
