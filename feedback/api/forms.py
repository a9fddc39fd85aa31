"""The API's forms: the portal's own forms, fitted to a machine client.

The submit form is the web form (same fields, limits, photo checks and normalisation), less
the parts only a browser needs: the honeypot, the hidden idempotency key (here a header) and
the diacritics confirmation step. Categories, units and areas are named by their codes.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from config.text import normalize_line, normalize_text
from publishing.selectors import AnswerFilters
from routing.models import Area, Category, Unit
from workflow.photos import CleanPhoto, clean_photo

from ..forms import (
    CategoryChoiceField,
    CommentForm,
    RatingForm,
    SubmitForm,
    _not_blank,
    normalize_phone,
)

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
COORDINATE = Decimal("0.000001")

# What the API takes, written once for the forms and for the OpenAPI document (schema.py),
# so that the two cannot disagree. Patterns are ECMA-262 and Python alike.
#
# A phone as people write it: 0 or +84 and nine or ten digits (84 and nine), a space, dot
# or dash between digits; what normalize_phone makes a Vietnamese number of.
PHONE_PATTERN = r"^(?:(?:\+84|0)(?:[ .-]?[0-9]){9,10}|84(?:[ .-]?[0-9]){9})$"
# Text keeps no NUL, and a required text needs a character that normalising keeps (not
# white space, a control or a zero-width character: config.text).
TEXT_PATTERN = r"^[^\x00]*$"
VISIBLE = (r"[^\x00-\x20\x7f\x85\xa0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f"
           r"\u2060\u3000\ufeff]")
REQUIRED_TEXT_PATTERN = rf"^[^\x00]*{VISIBLE}[^\x00]*$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PAGE_PATTERN = r"^[0-9]+$"
UPLOAD_TOKEN_PATTERN = r"^[A-Za-z0-9_-]{20,64}$"  # noqa: S105 — a pattern, no secret
MAX_PAGE = 100_000


def check_year(value: datetime | None) -> None:
    """Refuse dates no one means, before they reach a time-zone conversion that overflows."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(_("Enter a real date."), code="out_of_range")


def to_coordinate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value)).quantize(COORDINATE)


DATETIME_PATTERN = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
                    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$")


def as_written(value: str, pattern: str, message: str) -> str:
    """`value` if all of it is written as `pattern` says (the document's pattern)."""
    if not re.fullmatch(pattern, value):
        raise ValidationError(message, code="format")
    return value


def _keep_as_sent(form: forms.Form) -> None:
    """Check text as it was sent: the lengths and patterns of the document apply to what
    the client wrote, and each field's clean method normalises it afterwards."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.strip = False


def _optional_line(value: str) -> str:
    return normalize_line(value)


class Rfc3339Field(forms.DateTimeField):
    """A date and time written as RFC 3339 (the document's date-time), nothing looser."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not re.fullmatch(DATETIME_PATTERN, value):
            raise ValidationError(
                _("Enter a date and time as RFC 3339, e.g. 2026-03-02T08:00:00+07:00."),
                code="invalid")
        try:
            return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class UploadTokensField(forms.Field):
    """The tokens of photos sent ahead (POST /uploads); the view checks them."""

    takes_list = True
    widget = forms.MultipleHiddenInput

    def clean(self, value) -> list[str]:
        tokens = [str(token) for token in (value or [])]
        if len(tokens) > settings.PUBLIC_PHOTO_MAX_COUNT:
            raise ValidationError(_("Send at most %(count)d photos.")
                                  % {"count": settings.PUBLIC_PHOTO_MAX_COUNT}, code="too_many")
        if len(set(tokens)) != len(tokens):
            raise ValidationError(_("The same upload token is given twice."), code="repeated")
        if any(not re.fullmatch(UPLOAD_TOKEN_PATTERN, token) for token in tokens):
            raise ValidationError(_("An upload token is not one we issued."), code="malformed")
        return tokens


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
    # Left out, the reporter was not asked (the app showed no box): told on every channel
    # given. false is a "no" the outbox honours (SECURITY DP2).
    sms_updates = forms.NullBooleanField(required=False)
    email_updates = forms.NullBooleanField(required=False)
    photo_tokens = UploadTokensField(required=False)
    # A commune or ward by its code (GET /areas, level "commune"), like the web form's list.
    area = forms.ModelChoiceField(  # type: ignore[assignment]  # a code, not the web's id
        label=_("Commune or ward (optional)"), required=False, queryset=Area.objects.none(),
        to_field_name="code")
    occurred_at = Rfc3339Field(label=_("When it happened (optional)"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = communes()
        _keep_as_sent(self)

    def clean_occurred_at(self):
        check_year(self.cleaned_data["occurred_at"])
        return super().clean_occurred_at()

    def clean_reporter_phone(self) -> str:
        as_written(self.cleaned_data["reporter_phone"], PHONE_PATTERN,
                   _("Enter a Vietnamese phone number, e.g. 0912 345 678."))
        return super().clean_reporter_phone()

    def clean_location_text(self) -> str:
        return _optional_line(self.cleaned_data["location_text"])

    def clean_reporter_address(self) -> str:
        return _optional_line(self.cleaned_data["reporter_address"])

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
        super().__init__(label=_("The phone number you gave"), max_length=20, strip=False,
                         **kwargs)

    def clean(self, value):
        value = super().clean(value)
        as_written(value, PHONE_PATTERN, _("Enter a Vietnamese phone number, e.g. 0912 345 678."))
        return normalize_phone(value)


class ApiTrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=32, strip=False)
    phone = PhoneField()


class ApiCommentForm(CommentForm):
    phone = PhoneField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _keep_as_sent(self)

    def clean_body(self) -> str:
        return _not_blank(normalize_text(self.cleaned_data["body"]))


class ApiRatingForm(RatingForm):
    phone = PhoneField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _keep_as_sent(self)

    def clean_note(self) -> str:
        return normalize_text(self.cleaned_data["note"])


class CodeChoiceField(forms.ModelChoiceField):
    def __init__(self, label: str, queryset) -> None:
        super().__init__(label=label, queryset=queryset, required=False, to_field_name="code")


class QueryForm(forms.Form):
    """A query string. A parameter given must hold a value written as the document says
    (an empty `published_to=` is not "no date", nor `page=1.0` a page: they are refused)."""

    WRITTEN_AS: dict[str, str] = {"page": PAGE_PATTERN}

    def clean(self) -> dict:
        for name, field in self.fields.items():
            if name not in self.data or name in self.errors:
                continue
            raw = self.data[name]
            # Free text may be empty (no search); a code, a date or a number may not.
            if raw == "" and type(field) is not forms.CharField:
                self.add_error(name, ValidationError(
                    _("Give a value, or leave the parameter out."), code="empty"))
            elif name in self.WRITTEN_AS and not re.fullmatch(self.WRITTEN_AS[name], raw):
                self.add_error(name, ValidationError(field.error_messages["invalid"],
                                                     code="invalid"))
        return self.cleaned_data


class ApiPageForm(QueryForm):
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=MAX_PAGE)


class ApiAnswerFilterForm(QueryForm):
    """The query of GET /answers."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200, strip=False)
    category = CodeChoiceField(_("Category"), Category.objects.none())
    unit = CodeChoiceField(_("Handling unit"), Unit.objects.none())
    area = CodeChoiceField(_("Area"), Area.objects.none())
    published_from = forms.DateField(label=_("Published from"), required=False,
                                     input_formats=["%Y-%m-%d"])
    published_to = forms.DateField(label=_("Published until"), required=False,
                                   input_formats=["%Y-%m-%d"])
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=MAX_PAGE)

    WRITTEN_AS = {"published_from": DATE_PATTERN, "published_to": DATE_PATTERN,
                  "page": PAGE_PATTERN}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The routing app has no selectors for these lists yet: plain reads of active rows.
        self.fields["category"].queryset = active_categories()
        self.fields["unit"].queryset = active_units()
        self.fields["area"].queryset = Area.objects.all()

    def clean_q(self) -> str:
        return normalize_line(self.cleaned_data["q"])

    def filters(self) -> AnswerFilters:
        data = self.cleaned_data
        return AnswerFilters(q=data["q"], category=data["category"], unit=data["unit"],
                             area=data["area"], published_from=data["published_from"],
                             published_to=data["published_to"])


def active_categories():
    return Category.objects.filter(is_active=True)


def active_units():
    return Unit.objects.filter(is_active=True)


def communes() -> QuerySet[Area]:
    """The areas a case may have: communes and wards."""
    return Area.objects.filter(level=Area.Level.COMMUNE)
