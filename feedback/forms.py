"""The citizen's forms: submit (Art. 6), track, comment and rate (Art. 11).

Forms clean and validate; they never create or change anything.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.legacy_encoding import detect_legacy
from config.text import normalize_line, normalize_text
from routing.choices import area_choices
from routing.models import Area, Category
from workflow.photos import CleanPhoto, clean_photo

from .models import Rating
from .uploads import limits_text
from .videos import CleanVideo, clean_video
from .videos import limits_text as video_limits_text

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PHONE = re.compile(r"^0\d{9,10}$")


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(24)


def normalize_phone(value: str) -> str:
    """A Vietnamese phone number as stored: digits only, +84/84 written as 0."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit() or ch == "+")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits.replace("+", "")


def has_vietnamese_marks(text: str) -> bool:
    """Whether text carries any diacritic (Art. 6.1 asks for Vietnamese with its marks)."""
    if "đ" in text.lower():
        return True
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", text))


def lacks_diacritics(text: str) -> bool:
    """Text of several words with letters but not one diacritic: likely typed without marks."""
    return len(re.findall(r"[A-Za-z]{2,}", text)) >= 3 and not has_vietnamese_marks(text)


@dataclass(frozen=True)
class LegacyReading:
    """Title and content that look typed in a legacy encoding, as we read them: shown to the
    citizen before sending. A part that reads the same is left empty."""

    encoding: str  # "TCVN3" or "VNI"
    title: str
    content: str


def legacy_reading(title: str, content: str) -> LegacyReading | None:
    """Our reading of `title` and `content` when they look typed in TCVN3 or VNI (SECURITY
    IN3). Read together, as the staff case page reads them: a short title alone is little
    evidence."""
    found = detect_legacy(f"{title}\n{content}")
    if found is None:
        return None
    title_read, _newline, content_read = found.preview.partition("\n")
    return LegacyReading(encoding=found.encoding.upper(),
                         title=title_read if title_read != title else "",
                         content=content_read if content_read != content else "")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; each is checked from its bytes and re-encoded."""

    # `accept` only helps the phone offer its camera and gallery; the bytes decide.
    widget = MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None) -> list[CleanPhoto]:
        files = _uploaded_files(data)
        if len(files) > settings.PUBLIC_PHOTO_MAX_COUNT:
            raise ValidationError(
                _("Send at most %(count)d photos.") % {"count": settings.PUBLIC_PHOTO_MAX_COUNT},
                code="too_many",
            )
        return [clean_photo(f) for f in files]


def _uploaded_files(data) -> list:
    if isinstance(data, list | tuple):
        return [f for f in data if f]
    return [data] if data else []


class VideosField(forms.FileField):
    """Several videos in one input; each is checked from its bytes (MP4 or WebM)."""

    widget = MultiplePhotoInput(attrs={"accept": "video/mp4,video/webm"})

    def clean(self, data, initial=None) -> list[CleanVideo]:
        files = _uploaded_files(data)
        if len(files) > settings.PUBLIC_VIDEO_MAX_COUNT:
            raise ValidationError(
                ngettext("Send at most %(count)d video.", "Send at most %(count)d videos.",
                         settings.PUBLIC_VIDEO_MAX_COUNT)
                % {"count": settings.PUBLIC_VIDEO_MAX_COUNT},
                code="too_many",
            )
        return [clean_video(f) for f in files]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.label


class AreaSelect(forms.Select):
    """The communes and wards as a plain select, which works without JavaScript (a select
    also finds an option by its first letters); static/js/area-picker.js adds a box that
    narrows the list as one types, accents ignored."""

    def __init__(self) -> None:
        super().__init__(attrs={"data-area-picker": "",
                                "data-find-label": _("Find your commune or ward"),
                                "data-none-label": _("No commune or ward matches.")})


class AreaField(forms.TypedChoiceField):
    """A case's area (Địa bàn): one commune or ward, picked from the list in Vietnamese order
    (routing.choices). Districts and the province are not places to pick."""

    widget = AreaSelect

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Commune or ward (optional)"))
        super().__init__(coerce=int, required=False, empty_value=None, **kwargs)

    def set_choices(self, choices, empty_label) -> None:
        self.choices = [("", empty_label), *choices]

    def clean(self, value) -> Area | None:
        pk = super().clean(value)
        if pk is None:
            return None
        area = Area.objects.filter(pk=pk, level=Area.Level.COMMUNE).first()
        if area is None:  # gone since the page was shown
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})
        return area


def _not_blank(value: str) -> str:
    """A required text that normalising left empty (only zero-width or control characters)
    is as missing as an empty one: the form says so, since the worker that builds the case
    from it could not."""
    if not value:
        raise ValidationError(_("This field is required."), code="required")
    return value


class SubmitForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255,
                            help_text=_("A short summary, e.g. “Street light out on 30/4 Street”."))
    content = forms.CharField(
        label=_("What happened"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Write in Vietnamese with diacritics. Say what, where and since when."),
    )
    category = CategoryChoiceField(
        label=_("Category (optional)"), required=False, queryset=Category.objects.none(),
        empty_label=_("I am not sure"),
    )
    location_text = forms.CharField(
        label=_("Where (address or landmark)"), max_length=255, required=False
    )
    # Optional, as the location text is: the regulation asks for a clear place (Art. 6.2),
    # which the text can give; the coordinator sets or corrects the area when classifying.
    area = AreaField(help_text=_("The commune or ward where it happened, if you know it."))
    occurred_at = forms.DateTimeField(
        label=_("When it happened (optional)"), required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    photos = PhotosField(label=_("Photos (optional)"), required=False)
    videos = VideosField(label=_("Videos (optional)"), required=False)
    reporter_name = forms.CharField(label=_("Your full name"), max_length=200,
                                    widget=forms.TextInput(attrs={"autocomplete": "name"}))
    reporter_phone = forms.CharField(
        label=_("Your phone number"), max_length=20,
        help_text=_("You need it, with the tracking code, to follow your feedback."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    reporter_email = forms.EmailField(label=_("Your e-mail address"), max_length=254,
                                      widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    reporter_address = forms.CharField(
        label=_("Your address (optional)"), max_length=255, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    is_confidential = forms.BooleanField(
        label=_("Keep my identity confidential"), required=False,
        help_text=_("The reply is then sent to you only and nothing of your feedback is "
                    "published (Art. 6.4, 10.3b)."),
    )
    consent = forms.BooleanField(
        label=_("I agree that my personal data is processed to handle this feedback, as the "
                "privacy notice explains."),
        error_messages={"required": _("Tick this box to send your feedback: we cannot handle "
                                      "it without processing your contact details.")},
    )
    # Separate, optional consents per channel (SECURITY DP2); both start unticked.
    sms_updates = forms.BooleanField(
        label=_("Send me SMS updates: the tracking code and each step of the handling."),
        required=False,
    )
    email_updates = forms.BooleanField(
        label=_("Send me e-mail updates on each step of the handling."), required=False,
    )
    # A field people never see; bots fill every field they find.
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))
    idempotency_key = forms.CharField(widget=forms.HiddenInput)
    diacritics_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    legacy_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The routing app has no selector for this yet; a plain read of active categories.
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        area = self.fields.get("area")
        if isinstance(area, AreaField):  # the API's form names the area by its code
            area.set_choices(area_choices(cached=True), _("I am not sure"))
        self.fields["photos"].help_text = limits_text()
        self.fields["videos"].help_text = video_limits_text()
        self.fields["occurred_at"].widget.attrs["max"] = timezone.localtime().strftime(
            "%Y-%m-%dT%H:%M"
        )

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def clean_title(self) -> str:
        return _not_blank(normalize_line(self.cleaned_data["title"]))

    def clean_content(self) -> str:
        return _not_blank(normalize_text(self.cleaned_data["content"]))

    def clean_reporter_name(self) -> str:
        return _not_blank(normalize_line(self.cleaned_data["reporter_name"]))

    def clean_reporter_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data["reporter_phone"])
        if not PHONE.match(phone):
            raise ValidationError(
                _("Enter a Vietnamese phone number, e.g. 0912 345 678."), code="phone"
            )
        return phone

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value is not None and value > timezone.now():
            raise ValidationError(_("This date is in the future."), code="future")
        return value

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"]
        if not IDEMPOTENCY_KEY.match(key):
            raise ValidationError(_("The form has expired. Please send it again."), code="key")
        return key

    @property
    def needs_diacritics_warning(self) -> bool:
        """Content written without marks, and the person has not yet confirmed it (Art. 6.1)."""
        return (lacks_diacritics(self.cleaned_data.get("content", ""))
                and not self.cleaned_data.get("diacritics_confirmed"))

    @property
    def legacy_warning(self) -> LegacyReading | None:
        """Title or content typed in a legacy encoding, as we read it, and the person has not
        yet confirmed sending it as it is."""
        if self.cleaned_data.get("legacy_confirmed"):
            return None
        return legacy_reading(self.cleaned_data.get("title", ""),
                              self.cleaned_data.get("content", ""))


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"), max_length=32,
        help_text=_("The code you received on screen and by SMS, e.g. 7KQ2M-4XH9P."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("The phone number you gave"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    # A reporter who wrote by e-mail has no phone on file: the address opens it instead.
    email = forms.EmailField(
        label=_("Or the e-mail address you gave"), max_length=254, required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not (cleaned.get("phone") or cleaned.get("email")):
            raise ValidationError(_("Give the phone number or the e-mail address you gave "
                                    "with your feedback."), code="required")
        return cleaned


class OtpRequestForm(forms.Form):
    """The phone a reporter who lost the tracking code wants a one-time code on."""

    # Its own label: the track page's TrackForm already has "The phone number you gave".
    phone = forms.CharField(
        label=_("Phone number to receive the code"), max_length=20,
        help_text=_("Give the number you sent your feedback from. If it did, we send a "
                    "six-digit code to it by SMS."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "otp")  # the track page holds TrackForm's "phone" too
        super().__init__(*args, **kwargs)

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data["phone"])
        if not PHONE.match(phone):
            raise ValidationError(
                _("Enter a Vietnamese phone number, e.g. 0912 345 678."), code="phone"
            )
        return phone


class OtpCheckForm(forms.Form):
    code = forms.CharField(
        label=_("The code from the SMS"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        # Full-width digits from some phone keyboards become ASCII; spaces are dropped.
        code = "".join(unicodedata.normalize("NFKC", self.cleaned_data["code"]).split())
        if not re.fullmatch(r"[0-9]{6}", code):
            raise ValidationError(_("Enter the six digits of the code."), code="format")
        return code


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your question about the reply"), max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RatingForm(forms.Form):
    value = forms.ChoiceField(label=_("How satisfied are you with the result?"),
                              choices=Rating.Value.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Why (optional)"), max_length=2_000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
