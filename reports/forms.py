from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from routing.models import Area, Unit

from .statistics import Period, PeriodError


class ReportFilterForm(forms.Form):
    """The dashboard's GET filters: a period and, optionally, a unit or an area."""

    period = forms.CharField(
        label=_("Period"), max_length=32, required=False,
        help_text=_("2026-10, 2026-Q3, 2026 or 2026-01-01..2026-03-31"),
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

    def clean_period(self) -> Period | None:
        text = self.cleaned_data.get("period") or ""
        if not text:
            return None
        try:
            return Period.parse(text)
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        if data.get("unit") and data.get("area"):
            raise forms.ValidationError(_("Choose a unit or an area, not both."))
        return data
