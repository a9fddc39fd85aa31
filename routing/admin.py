"""Admin pages of areas, units, categories and the roles people hold (the administrator's)."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .admin_audit import audited_delete_selected
from .audit import record
from .models import (
    Area,
    AuditEvent,
    Category,
    Membership,
    NotificationPreference,
    ProvinceRole,
    TwoFactorDevice,
    TwoFactorEnrolment,
    Unit,
)
from .selectors import units_without_required_roles

# Past this many, the warning names a few units and counts the rest.
WARNING_NAMES = 10


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


def staff_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin has no log-in of its own: the staff log-in counts failures, locks out and
    asks administrators for their two-factor code (SECURITY AC5).

    The admin sends here whoever it refuses. Someone already logged in is refused for good
    (their account has no access to the admin), not sent to the staff log-in, which would
    send them, logged in, straight back: an endless loop of redirects."""
    if request.user.is_authenticated:
        # A 403, which routing.middleware.AuditMiddleware records (SECURITY AU1).
        reason = _("Your account cannot open the administration pages.")
        # The staff header: its log-out lets them come back under another account.
        return render(request, "workflow/forbidden.html",
                      {"reason": reason, "STAFF_AREA": True}, status=403)
    target = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('staff:login')}?{urlencode({'next': target})}")


admin.site.login = staff_login  # type: ignore[method-assign]
# The list's bulk deletion writes its LogEntry rows without a signal: audit it here (AU1).
admin.site.add_action(audited_delete_selected, "delete_selected")


class AuditedRoleAdmin(admin.ModelAdmin):
    """Hands the request to the role-change audit signal (routing/signals.py): who and where."""

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        obj._audit_request = request  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        obj._audit_request = request  # type: ignore[attr-defined]
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # One by one, so each removed role is audited with its request.
        for obj in queryset:
            self.delete_model(request, obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "area", "processing_days", "phone", "is_active")
    list_filter = ("kind", "is_active", ("area", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "code", "email", "phone")
    list_select_related = ("area",)
    autocomplete_fields = ("area",)
    inlines = (MembershipInline,)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj._audit_request = request
            obj.delete()
        for obj in instances:
            obj._audit_request = request
            obj.save()
        formset.save_m2m()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET":
            self.warn_about_missing_roles(request)
        return super().changelist_view(request, extra_context)

    def warn_about_missing_roles(self, request: HttpRequest) -> None:
        """Art. 17.1: every unit needs a leader and a staff member."""
        units = units_without_required_roles()
        if not units:
            return
        names = ", ".join(unit.name for unit in units[:WARNING_NAMES])
        if len(units) > WARNING_NAMES:
            names = _("%(names)s and %(count)d more") % {
                "names": names, "count": len(units) - WARNING_NAMES,
            }
        messages.warning(
            request,
            _("These units lack a leader or a staff member (Art. 17.1): %(units)s")
            % {"units": names},
        )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "needs_photos", "position", "is_active")
    list_filter = ("needs_photos", "is_active")
    search_fields = ("name", "name_en", "code")
    filter_horizontal = ("suggested_units",)
    ordering = ("position", "name")


@admin.register(ProvinceRole)
class ProvinceRoleAdmin(AuditedRoleAdmin):
    list_display = ("user", "full_name", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)

    @admin.display(description=gettext_lazy("name"), ordering="user__last_name")
    def full_name(self, obj: ProvinceRole) -> str:
        return f"{obj.user.last_name} {obj.user.first_name}".strip()


@admin.register(Membership)
class MembershipAdmin(AuditedRoleAdmin):
    list_display = ("user", "full_name", "unit", "role")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "user__first_name", "user__last_name", "unit__name",
                     "unit__code")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("user", "unit")

    @admin.display(description=gettext_lazy("name"), ordering="user__last_name")
    def full_name(self, obj: Membership) -> str:
        return f"{obj.user.last_name} {obj.user.first_name}".strip()


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


class NotificationPreferenceInline(admin.StackedInline):
    """The person's choice to take urgent notices (overdue, returned) by SMS too."""

    model = NotificationPreference
    max_num = 1
    extra = 0


@admin.register(User)
class AuditedUserAdmin(AuditedRoleAdmin, UserAdmin):
    """Django's user admin; granting or removing superuser, staff or active is audited. Its
    action lets the selected people set up two-factor log-in within the next 24 hours."""

    actions = ("allow_two_factor_enrolment",)
    inlines = (NotificationPreferenceInline,)

    @admin.action(description=gettext_lazy("Allow two-factor enrolment for 24 hours"),
                  permissions=("change",))
    def allow_two_factor_enrolment(self, request: HttpRequest, queryset: Any) -> None:
        count = 0
        by = request.user if request.user.is_authenticated else None  # the admin always is
        for user in queryset:
            window = TwoFactorEnrolment.allow(user, by=by)
            record(AuditEvent.Action.CONFIG_CHANGED, request=request, obj=window,
                   change="two_factor_enrolment_allowed", user_id=user.pk,
                   until=window.enrol_until.isoformat())
            count += 1
        self.message_user(request, ngettext(
            "%(count)d person may now set up two-factor log-in for 24 hours, at their next "
            "log-in.",
            "%(count)d people may now set up two-factor log-in for 24 hours, at their next "
            "log-in.",
            count,
        ) % {"count": count}, messages.SUCCESS)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only (SECURITY AU2)."""

    list_display = ("at", "action", "outcome", "actor", "username_tried", "ip", "object_type",
                    "object_id")
    list_filter = ("action", "outcome")
    search_fields = ("actor__username", "username_tried", "ip", "object_id")
    list_select_related = ("actor",)
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(admin.ModelAdmin):
    """Who has two-factor log-in. Deleting a device (a lost phone) makes its owner enrol
    again at the next log-in. The secret is never shown here."""

    list_display = ("user", "confirmed_at", "created_at")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    fields = ("user", "confirmed_at", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: TwoFactorDevice) -> None:
        record(AuditEvent.Action.CONFIG_CHANGED, request=request, obj=obj,
               change="two_factor_reset", user_id=obj.user_id)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(TwoFactorEnrolment)
class TwoFactorEnrolmentAdmin(admin.ModelAdmin):
    """Who may set up two-factor log-in, until when. Opened by the user admin's action (or
    `manage.py allow_two_factor_enrolment`); an enrolment closes it; deleting closes it too."""

    list_display = ("user", "enrol_until", "opened_by", "opened_at")
    search_fields = ("user__username",)
    list_select_related = ("user", "opened_by")
    fields = list_display
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: TwoFactorEnrolment) -> None:
        record(AuditEvent.Action.CONFIG_CHANGED, request=request, obj=obj,
               change="two_factor_enrolment_closed", user_id=obj.user_id)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
