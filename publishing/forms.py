"""The filters of the published answers (GET, so a result page can be bookmarked)."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from config.generations import kept
from routing.models import Area, Category, Unit

from .caching import CACHE_SECONDS, NAMES_KEY
from .selectors import AnswerFilters

CHOICE_FIELDS = ("category", "unit", "area")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.label


class AnswerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}),
                        help_text=_("Diacritics are optional: “duong ngap” finds “đường ngập”."))
    category = CategoryChoiceField(label=_("Category"), required=False,
                                   queryset=Category.objects.none(), empty_label=_("All"))
    unit = forms.ModelChoiceField(label=_("Handling unit"), required=False,
                                  queryset=Unit.objects.none(), empty_label=_("All"))
    area = forms.ModelChoiceField(label=_("Area"), required=False,
                                  queryset=Area.objects.none(), empty_label=_("All"))
    published_from = forms.DateField(label=_("Published from"), required=False,
                                     input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                                     widget=forms.DateInput(attrs={"type": "date"}))
    published_to = forms.DateField(label=_("Published until"), required=False,
                                   input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                                   widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The routing app has no selectors for these lists yet: plain reads of active rows.
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("name")
        self.fields["area"].queryset = Area.objects.all()
        # The options, as (value, label) lists, are kept in the cache until a category, unit
        # or area changes (publishing/signals.py): every list and search page shows them,
        # and reading them is three queries. A chosen value is still checked against the
        # database by the field itself.
        key = f"publishing:choices:{get_language()}"
        choices = kept(key, NAMES_KEY, lambda: {
            name: [(str(value), str(label)) for value, label in self.fields[name].choices]
            for name in CHOICE_FIELDS}, CACHE_SECONDS)
        for name in CHOICE_FIELDS:
            self.fields[name].choices = choices[name]

    def filters(self) -> AnswerFilters:
        """The valid filters; an invalid one is ignored rather than refused."""
        if not self.is_bound:
            return AnswerFilters()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return AnswerFilters(
            q=(data.get("q") or "").strip(), category=data.get("category"),
            unit=data.get("unit"), area=data.get("area"),
            published_from=data.get("published_from"), published_to=data.get("published_to"),
        )
