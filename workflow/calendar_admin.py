"""Admin pages of the working calendar; workflow/admin.py imports this module."""

from typing import Any

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay, OfficialYear


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "name", "source")
    list_filter = ("kind", "source", YearListFilter)
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("date",)
    # Days the administrator adds are theirs; official days come from `manage.py calendar
    # import`, so the source is shown but never chosen here.
    readonly_fields = ("source",)
    fields = ("date", "kind", "name", "source")

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return date_format(obj.date, "l")


def _official_count(kind: str) -> Coalesce:
    rows = (
        CalendarDay.objects.filter(
            source=CalendarDay.Source.OFFICIAL, kind=kind, date__year=OuterRef("year")
        )
        .order_by()
        .values("source")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@admin.register(OfficialYear)
class OfficialYearAdmin(admin.ModelAdmin):
    list_display = ("year", "days_off", "makeup_workdays", "source", "imported_at")
    readonly_fields = ("year", "source", "imported_at")
    ordering = ("-year",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[OfficialYear]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                days_off_count=_official_count(CalendarDay.Kind.DAY_OFF),
                workday_count=_official_count(CalendarDay.Kind.WORKDAY),
            )
        )

    # A schedule comes whole from `manage.py calendar import`; a row added by hand would
    # make its year follow an empty schedule. Deleting one returns the year to the package.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("days off"), ordering="days_off_count")
    def days_off(self, obj: OfficialYear) -> int:
        return getattr(obj, "days_off_count", 0)

    @admin.display(description=_("make-up working days"), ordering="workday_count")
    def makeup_workdays(self, obj: OfficialYear) -> int:
        return getattr(obj, "workday_count", 0)
