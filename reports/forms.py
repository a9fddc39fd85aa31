from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from config.text import normalize_line, normalize_text
from routing.models import Area, Unit

from .statistics import CALENDAR, REPORTING, Period, PeriodError


class ReportFilterForm(forms.Form):
    """The dashboard's GET filters: a period and, optionally, a unit or an area.

    A month, quarter or year is the reporting period of Decree 09/2019 (15th to 14th) unless
    the calendar basis is chosen; a range is any days at all."""

    period = forms.CharField(
        label=_("Period"), max_length=32, required=False,
        help_text=_("2026-10, 2026-Q3, 2026 or 2026-01-01..2026-03-31"),
    )
    basis = forms.ChoiceField(
        label=_("Months, quarters and years"), required=False, initial=REPORTING,
        choices=[
            (REPORTING, _("Reporting periods: the 15th to the 14th (Decree 09/2019)")),
            (CALENDAR, _("Calendar months, quarters and years")),
        ],
        help_text=_("2026-10 is 15/09/2026–14/10/2026 as a reporting period, "
                    "01/10/2026–31/10/2026 as a calendar month."),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.filter(is_active=True), required=False,
        to_field_name="code",
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.all(), required=False, to_field_name="code",
    )

    def __init__(self, *args, units=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:  # a unit leader chooses among their own units only
            self.fields["unit"].queryset = units
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = None
            del self.fields["area"]

    def clean(self):
        data = super().clean()
        text = data.get("period") or ""
        if text and "period" not in self.errors:
            try:
                data["period"] = Period.parse(text, calendar=data.get("basis") == CALENDAR)
            except PeriodError as exc:
                self.add_error("period", str(exc))
        else:
            data["period"] = None
        if data.get("unit") and data.get("area"):
            raise forms.ValidationError(_("Choose a unit or an area, not both."))
        return data


class ReportDraftForm(forms.Form):
    """The department's own part of a periodic report, written before it is sent."""

    number = forms.CharField(
        label=_("Document number"), max_length=64, required=False,
        help_text=_("For example 123/BC-STTTT; it may be left blank until the report is "
                    "registered."),
    )
    difficulties = forms.CharField(
        label=_("Difficulties and proposals"), required=False, max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One paragraph per line. Printed in the report as written."),
    )

    def clean_number(self) -> str:
        return normalize_line(self.cleaned_data.get("number"))

    def clean_difficulties(self) -> str:
        return normalize_text(self.cleaned_data.get("difficulties"))
