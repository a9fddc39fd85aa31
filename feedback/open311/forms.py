"""GeoReport v2 parameters, checked by Django forms like every other input (IN5)."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.text import normalize_line, normalize_text
from routing.models import Area, Category

from ..api.forms import check_year, to_coordinate
from ..api.http import parse_id
from ..forms import PHONE, normalize_phone

MAX_IDS = 100
# GeoReport v2's own way to carry more than its fields: a service's attributes, sent as
# attribute[code]=value. The area (Địa bàn) is one: a commune or ward code.
AREA_ATTRIBUTE = "attribute[area]"
TITLE_LENGTH = 120
DESCRIPTION_LIMIT = 4000  # GeoReport v2: "free form text limited to 4,000 characters"
LOCATION_LENGTH = 255  # Case.location_text


def _comma_list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class SearchForm(forms.Form):
    """GET requests: service_request_id, service_code, start_date, end_date, status."""

    service_request_id = forms.CharField(required=False, max_length=2000)
    service_code = forms.CharField(required=False, max_length=2000)
    start_date = forms.DateTimeField(required=False)
    end_date = forms.DateTimeField(required=False)
    status = forms.CharField(required=False, max_length=100)

    def clean_service_request_id(self) -> list[int]:
        parts = _comma_list(self.cleaned_data["service_request_id"])
        ids = [parse_id(part) for part in parts]
        if len(ids) > MAX_IDS or any(pk is None for pk in ids):
            raise ValidationError(_("service_request_id: give up to 100 ids, separated by "
                                    "commas."), code="ids")
        return [pk for pk in ids if pk is not None]

    def clean_service_code(self) -> list[str]:
        return _comma_list(self.cleaned_data["service_code"])

    def clean_status(self) -> list[str]:
        statuses = [s.lower() for s in _comma_list(self.cleaned_data["status"])]
        if any(s not in ("open", "closed") for s in statuses):
            raise ValidationError(_("status: use open, closed or both."), code="status")
        return statuses

    def clean_start_date(self) -> datetime | None:
        check_year(self.cleaned_data["start_date"])
        return self.cleaned_data["start_date"]

    def clean_end_date(self) -> datetime | None:
        check_year(self.cleaned_data["end_date"])
        return self.cleaned_data["end_date"]


class PostRequestForm(forms.Form):
    """POST requests. media_url, device_id, account_id and attributes other than `area` are
    accepted and ignored: nothing is fetched from a URL a client sends.

    The case's area comes as the `area` attribute every service definition lists
    (attribute[area]=<commune or ward code>, GET /areas of the JSON API), optional as on the
    web form; it is not derived from lat/long or address_id, which the coordinator reads
    when classifying the case and setting its area.

    Stricter than GeoReport v2, which makes the reporter's fields optional: the regulation
    asks every report for a name, a phone number and an e-mail address (Art. 6.3), so an
    anonymous report is refused here, as on the web form (see views.py).
    """

    service_code = forms.ModelChoiceField(
        queryset=Category.objects.none(), to_field_name="code",
        error_messages={"required": _("service_code is required."),
                        "invalid_choice": _("service_code is not one of our services.")},
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    long = forms.FloatField(required=False, min_value=-180, max_value=180)
    address_string = forms.CharField(required=False, max_length=255)
    address_id = forms.CharField(required=False, max_length=100)
    email = forms.EmailField(max_length=254, error_messages={
        "required": _("email is required: the regulation asks every report for the "
                      "reporter's e-mail address (Art. 6.3)."),
    })
    first_name = forms.CharField(required=False, max_length=100)
    last_name = forms.CharField(required=False, max_length=100)
    phone = forms.CharField(max_length=20, error_messages={
        "required": _("phone is required: the regulation asks every report for the "
                      "reporter's phone number (Art. 6.3)."),
    })
    # Checked once normalised, against GeoReport's limit; this bound only caps the work.
    description = forms.CharField(
        max_length=4 * DESCRIPTION_LIMIT,
        error_messages={"required": _("description is required."),
                        "max_length": _("description: at most 4,000 characters.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The routing app has no selector for this yet: a plain read of active categories.
        self.fields["service_code"].queryset = Category.objects.filter(is_active=True)
        self.fields[AREA_ATTRIBUTE] = forms.ModelChoiceField(
            queryset=Area.objects.filter(level=Area.Level.COMMUNE), to_field_name="code",
            required=False, error_messages={"invalid_choice": _(
                "attribute[area] is not the code of one of our communes or wards.")})

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data["phone"])
        if phone and not PHONE.match(phone):
            raise ValidationError(_("phone: enter a Vietnamese phone number, e.g. "
                                    "0912 345 678."), code="phone")
        return phone

    def clean_description(self) -> str:
        description = normalize_text(self.cleaned_data["description"])
        if len(description) > DESCRIPTION_LIMIT:
            raise ValidationError(_("description: at most 4,000 characters."),
                                  code="max_length")
        return description

    def clean(self) -> dict:
        data = super().clean()
        lat, long = data.get("lat"), data.get("long")
        if (lat is None) != (long is None):
            raise ValidationError(_("Send lat and long together."), code="location")
        place = _place(data.get("address_string") or "", data.get("address_id") or "")
        if lat is None and not place and "lat" not in self.errors \
                and "long" not in self.errors:
            raise ValidationError(_("A location is required: lat and long, address_string "
                                    "or address_id."), code="location")
        if len(place) > LOCATION_LENGTH:
            raise ValidationError(_("address_string and address_id: at most 255 characters "
                                    "together."), code="location")
        name = normalize_line(f"{data.get('first_name', '')} {data.get('last_name', '')}")
        if not name and "first_name" not in self.errors and "last_name" not in self.errors:
            self.add_error(None, ValidationError(
                _("first_name or last_name is required: the regulation asks every report "
                  "for the reporter's name (Art. 6.3)."), code="name"))
        data["reporter_name"] = name
        data["latitude"], data["longitude"] = to_coordinate(lat), to_coordinate(long)
        data["location_text"] = place
        data["title"] = title_from(data.get("description") or "")
        data["area"] = data.get(AREA_ATTRIBUTE)
        return data


def _place(address_string: str, address_id: str) -> str:
    """The location text of a case: the address as typed, and the jurisdiction's address id
    (GeoReport's `address_id`) so that a report placed by it alone keeps its place."""
    address, address_id = normalize_line(address_string), normalize_line(address_id)
    if not address_id:
        return address
    marked = f"address_id {address_id}"
    return f"{address} ({marked})" if address else marked


def title_from(description: str) -> str:
    """A case title from the first line of the description (Open311 has no title)."""
    first = normalize_line(description.strip().split("\n", 1)[0] if description.strip() else "")
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1].rstrip() + "…"
