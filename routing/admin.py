"""Admin pages of areas, units, categories and the roles people hold (the administrator's)."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Area, Category, Membership, ProvinceRole, Unit
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
class ProvinceRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "full_name", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)

    @admin.display(description=gettext_lazy("name"), ordering="user__last_name")
    def full_name(self, obj: ProvinceRole) -> str:
        return f"{obj.user.last_name} {obj.user.first_name}".strip()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "full_name", "unit", "role")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "user__first_name", "user__last_name", "unit__name",
                     "unit__code")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("user", "unit")

    @admin.display(description=gettext_lazy("name"), ordering="user__last_name")
    def full_name(self, obj: Membership) -> str:
        return f"{obj.user.last_name} {obj.user.first_name}".strip()
