"""The API's forms: the portal's own forms, fitted to a machine client.

The submit form is the web form (same fields, limits, photo checks and normalisation), less
the parts only a browser needs: the honeypot, the hidden idempotency key (here a header) and
the diacritics confirmation step. Categories, units and areas are named by their codes.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.text import normalize_line
from publishing.selectors import AnswerFilters
from routing.models import Area, Category, Unit
from workflow.photos import CleanPhoto, clean_photo

from ..forms import CategoryChoiceField, CommentForm, RatingForm, SubmitForm, normalize_phone

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
COORDINATE = Decimal("0.000001")


def check_year(value: datetime | None) -> None:
    """Refuse dates no one means, before they reach a time-zone conversion that overflows."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(_("Enter a real date."), code="out_of_range")


def to_coordinate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value)).quantize(COORDINATE)


class ApiSubmitForm(SubmitForm):
    website = None
    idempotency_key = None
    diacritics_confirmed = None
    category = CategoryChoiceField(
        label=_("Category (optional)"), required=False, queryset=Category.objects.none(),
        to_field_name="code",
    )
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180,
                                 max_value=180)

    def clean_occurred_at(self):
        check_year(self.cleaned_data["occurred_at"])
        return super().clean_occurred_at()

    def clean_latitude(self) -> Decimal | None:
        return to_coordinate(self.cleaned_data["latitude"])

    def clean_longitude(self) -> Decimal | None:
        return to_coordinate(self.cleaned_data["longitude"])


class ApiUploadForm(forms.Form):
    """One photo, checked from its bytes and re-encoded like the web form's."""

    photo = forms.FileField(label=_("Photo"))

    def clean_photo(self) -> CleanPhoto:
        return clean_photo(self.cleaned_data["photo"])


class PhoneField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        super().__init__(label=_("The phone number you gave"), max_length=20, **kwargs)

    def clean(self, value):
        return normalize_phone(super().clean(value))


class ApiTrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=32)
    phone = PhoneField()


class ApiCommentForm(CommentForm):
    phone = PhoneField()


class ApiRatingForm(RatingForm):
    phone = PhoneField()


class CodeChoiceField(forms.ModelChoiceField):
    def __init__(self, label: str, queryset) -> None:
        super().__init__(label=label, queryset=queryset, required=False, to_field_name="code")


class ApiAnswerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = CodeChoiceField(_("Category"), Category.objects.none())
    unit = CodeChoiceField(_("Handling unit"), Unit.objects.none())
    area = CodeChoiceField(_("Area"), Area.objects.none())
    published_from = forms.DateField(label=_("Published from"), required=False,
                                     input_formats=["%Y-%m-%d"])
    published_to = forms.DateField(label=_("Published until"), required=False,
                                   input_formats=["%Y-%m-%d"])
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=100_000)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The routing app has no selectors for these lists yet: plain reads of active rows.
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True)
        self.fields["area"].queryset = Area.objects.all()

    def clean_q(self) -> str:
        return normalize_line(self.cleaned_data["q"])

    def filters(self) -> AnswerFilters:
        data = self.cleaned_data
        return AnswerFilters(q=data["q"], category=data["category"], unit=data["unit"],
                             area=data["area"], published_from=data["published_from"],
                             published_to=data["published_to"])
