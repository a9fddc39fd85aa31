"""The staff pages' forms: one small form per action, named after the service's arguments.

A form cleans and checks what a person typed; the service decides whether the action may
happen. Field names match the keys of the services' ValidationErrors, so a refusal from a
service lands next to the field it is about. Choices (categories, units) are handed in by
the view as plain (value, label) pairs: rendering a form never queries the database.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from config.text import normalize_line
from routing.choices import area_choices as area_choices
from routing.choices import category_choices as category_choices  # the forms' lists
from routing.choices import unit_choices as unit_choices
from routing.models import Area, Category, Unit
from routing.text import fold, matches

from .models import AbuseListEntry, Assignment, Case, RejectionReason, Visibility
from .photos import clean_photo
from .rendered import frozen

MAX_PHOTOS = 5  # per draft (SECURITY IN2)
MAX_PHOTO_BYTES = 10 * 1024 * 1024

Choices = Sequence[tuple[Any, str]]


class ActionForm(forms.Form):
    """A form of the case page; `key` keeps its element ids apart from the other forms'."""

    def __init__(self, *args: Any, key: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{key}_%s")
        super().__init__(*args, **kwargs)
        self.key = key

    def html_key(self) -> tuple[Any, ...] | None:
        """Everything this form's fields' HTML depends on, or None when it must be rendered
        afresh: an unbound form renders the same for the same class, element ids, language,
        initial values and choices (workflow.rendered). A bound form shows what was typed and
        its errors, so it is never kept."""
        if self.is_bound:
            return None
        return (
            type(self), self.auto_id, get_language(), frozen(self.initial),
            tuple((name, frozen(field.initial), frozen(getattr(field, "choices", ())),
                   frozen(getattr(field.widget, "choices", ())))
                  for name, field in self.fields.items()),
            getattr(self, "unit_query", ""),
        )

    def add_service_error(self, error: ValidationError) -> None:
        """Place a service's refusal next to its field; other keys become a form error."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def _text(label: str, *, required: bool = True, rows: int = 3, max_length: int | None = None):
    return forms.CharField(
        label=label, required=required, max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# --- The coordinator -------------------------------------------------------------------------
class ClassifyForm(ActionForm):
    category = forms.TypedChoiceField(label=gettext_lazy("Category"), coerce=int)
    # The case's area (Địa bàn): the reporter's choice, set or corrected here. Left empty,
    # the case keeps the area it has.
    area = forms.TypedChoiceField(
        label=gettext_lazy("Commune or ward"), coerce=int, required=False, empty_value=None,
        help_text=gettext_lazy("Where it happened; reports count the case there."),
        widget=forms.Select(attrs={
            "data-area-picker": "", "data-find-label": gettext_lazy("Find a commune or ward"),
            "data-none-label": gettext_lazy("No commune or ward matches.")}),
    )
    is_state_secret = forms.BooleanField(
        label=gettext_lazy("State secret (Art. 10.3c): never published"), required=False
    )

    def __init__(self, *args: Any, categories: Choices = (), areas: Choices = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—"), *categories]
        self.fields["area"].choices = [("", "—"), *areas]

    def clean_category(self) -> Category:
        try:
            return Category.objects.get(pk=self.cleaned_data["category"], is_active=True)
        except Category.DoesNotExist:
            raise ValidationError(_("Choose an active category.")) from None

    def clean_area(self) -> Area | None:
        pk = self.cleaned_data["area"]
        if pk is None:
            return None
        try:
            return Area.objects.get(pk=pk, level=Area.Level.COMMUNE)
        except Area.DoesNotExist:
            raise ValidationError(_("Choose a commune or ward.")) from None


class ReasonForm(ActionForm):
    reason = _text(gettext_lazy("Reason"))


class NoteForm(ActionForm):
    note = _text(gettext_lazy("Note"))


class ClarificationAnswerForm(ActionForm):
    """The answer to the reporter's question after the result (Art. 11.2)."""

    body = _text(gettext_lazy("Answer to the reporter"), rows=4)


class RejectForm(ActionForm):
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason (Art. 6.5)"),
        choices=[("", "—"), *RejectionReason.choices],
    )
    note = _text(gettext_lazy("Note to the reporter"), required=False)


class UnitPicker(forms.CheckboxSelectMultiple):
    """A list of tick boxes with a "find unit" box (partials/unit_picker.html): the box
    filters the list through the page's query string, and static/js/unit-picker.js filters
    it as one types. Each box carries its unit's name folded for matching (data-search)."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"]["data-search"] = fold(str(option["label"]))
        return option


FIND_UNITS = "find_units"  # the query-string parameter of the "find unit" box


class UnitsForm(ActionForm):
    """Dispatch or re-route to one or several units (Art. 7.3c).

    `query`, what was typed in the "find unit" box, narrows the boxes shown (accents and
    case ignored); the units already ticked stay listed, and any active unit is accepted."""

    units = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Units"), coerce=int,
        help_text=gettext_lazy("Tick one or several units."),
        widget=UnitPicker,
    )
    instructions = _text(gettext_lazy("Instructions to the units"), required=False)

    def __init__(self, *args: Any, units: Choices = (), query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = list(units)
        self.unit_query = query
        self.unit_total = len(units)
        self.finder_id = f"find-{self.key}"
        self.find_param = FIND_UNITS
        # Only the boxes shown are narrowed: validation accepts any active unit.
        self.fields["units"].widget.choices = self.shown_units()
        self.unit_shown = len(self.fields["units"].widget.choices)

    def shown_units(self) -> list[tuple[Any, str]]:
        """The boxes to show: the units matching the query, and those ticked already."""
        field = self.fields["units"]
        if not self.unit_query:
            return list(field.choices)
        ticked = {str(value) for value in (self["units"].value() or ())}
        return [(value, label) for value, label in field.choices
                if str(value) in ticked or matches(self.unit_query, str(label))]


class ReprocessForm(UnitsForm):
    instructions = None  # type: ignore[assignment]
    note = _text(gettext_lazy("Why the case is handled again"))


class SendBackForm(ActionForm):
    rework = forms.ChoiceField(
        label=gettext_lazy("What the unit must do"),
        choices=[
            (Assignment.Rework.REVISION, gettext_lazy("Revise the form (30 working minutes)")),
            (Assignment.Rework.REDISTRIBUTION,
             gettext_lazy("Handle again: inaccurate or missing photos (1 working hour)")),
        ],
        widget=forms.RadioSelect,
    )
    note = _text(gettext_lazy("Note to the unit"))


class PublishForm(ActionForm):
    visibility = forms.ChoiceField(
        label=gettext_lazy("Publication"), choices=Visibility.choices, widget=forms.RadioSelect
    )
    reply_text = _text(gettext_lazy("Reply"), rows=10)


class HotlineForm(forms.Form):
    """A hotline call typed in by the coordinator (Art. 5)."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    content = _text(gettext_lazy("Content"), rows=6)
    location_text = forms.CharField(label=gettext_lazy("Location"), max_length=255,
                                    required=False)
    reporter_name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    reporter_phone = forms.CharField(label=gettext_lazy("Phone"), max_length=32, required=False,
                                     widget=forms.TextInput(attrs={"type": "tel"}))
    reporter_email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    reporter_address = forms.CharField(label=gettext_lazy("Address"), max_length=255,
                                       required=False)
    is_confidential = forms.BooleanField(
        label=gettext_lazy("The caller asks to keep their identity confidential (Art. 6.4)"),
        required=False,
    )
    # One case per form, however often it is sent (SECURITY IN4).
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = f"hotline:{secrets.token_urlsafe(24)}"


# --- The unit ----------------------------------------------------------------------------------
class ExtendForm(ActionForm):
    reason = _text(gettext_lazy("Reason"))
    expected_date = forms.DateField(
        label=gettext_lazy("Expected date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to five photos, each a real image of at most 10 MB, re-encoded without metadata by
    the cleaner every uploaded photo goes through (workflow.photos)."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data: Any, initial: Any = None) -> list[File]:
        uploads = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if len(uploads) > MAX_PHOTOS:
            raise ValidationError(
                _("Attach at most %(count)d photos.") % {"count": MAX_PHOTOS}
            )
        return [evidence_photo(super(PhotosField, self).clean(u, initial)) for u in uploads]


def evidence_photo(upload: UploadedFile) -> File:
    """The photo cleaned and re-encoded (workflow.photos.clean_photo), ready to store; a
    refusal names the file, as the unit chose it among several."""
    name = upload.name or ""
    try:
        photo = clean_photo(upload, max_bytes=MAX_PHOTO_BYTES)
    except ValidationError as error:
        if error.code == "too_large":
            raise ValidationError(
                _("“%(name)s” is larger than 10 MB.") % {"name": name}, code=error.code
            ) from None
        raise ValidationError(
            _("“%(name)s” is not a photo: attach a JPEG, PNG or WebP image.") % {"name": name},
            code=error.code,
        ) from None
    return ContentFile(photo.content, name=f"photo.{photo.extension}")


class DraftForm(ActionForm):
    """The reply in the Appendix 1 form: an official letter with its signature block."""

    number = forms.CharField(label=gettext_lazy("Document number"), max_length=64,
                             required=False)
    date = forms.DateField(
        label=gettext_lazy("Date"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    addressee = forms.CharField(label=gettext_lazy("To (Kính gửi)"), max_length=255,
                                required=False)
    body = _text(gettext_lazy("Reply"), rows=10)
    signer = forms.CharField(label=gettext_lazy("Signed by"), max_length=200, required=False)
    signer_title = forms.CharField(label=gettext_lazy("Signer's title"), max_length=200,
                                   required=False)
    recipients = _text(gettext_lazy("Recipients (Nơi nhận)"), required=False, rows=2)
    photos = PhotosField(
        label=gettext_lazy("Evidence photos"), required=False,
        help_text=gettext_lazy("Up to 5 photos (JPEG, PNG or WebP), 10 MB each."),
    )


class EditApproveForm(ActionForm):
    body = _text(gettext_lazy("Reply"), rows=10)


class EmptyForm(ActionForm):
    """An action that is only a button (accept, approve)."""


# --- Possible duplicates (the case page's panel) ---------------------------------------------
class CloseDuplicateForm(ActionForm):
    """Close this case as a duplicate of `original`, a case its panel lists."""

    original = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class DismissDuplicateForm(ActionForm):
    """Dismiss the suggestion that this case and `other` are one."""

    other = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


# --- Supervision and moderation (Art. 4.8, 18) -------------------------------------------------
class EscalateForm(ActionForm):
    summary = _text(gettext_lazy("Summary for the province's leadership"), rows=5)


class AbuseListForm(ActionForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("What to put on the list"),
        choices=[(AbuseListEntry.Kind.PHONE, gettext_lazy("The reporter's phone")),
                 (AbuseListEntry.Kind.EMAIL, gettext_lazy("The reporter's e-mail")),
                 (AbuseListEntry.Kind.ADDRESS, gettext_lazy("The reporter's address"))],
        initial=AbuseListEntry.Kind.PHONE,
        widget=forms.RadioSelect,
    )
    reason = _text(gettext_lazy("Reason (Art. 18.2)"))


class ReleaseForm(ActionForm):
    note = _text(gettext_lazy("Note"), required=False)


# --- The lists' filters ----------------------------------------------------------------------
YES_NO = [("", "—"), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QueueFilterForm(forms.Form):
    """The filters above every staff list, read from the query string.

    Every field is optional; a value that does not clean is left out of the filter (the
    view says so), never an error page. Choices are handed in, so the form never queries.
    """

    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    category = forms.TypedChoiceField(label=gettext_lazy("Category"), coerce=int,
                                      required=False, empty_value=None)
    unit = forms.TypedChoiceField(label=gettext_lazy("Unit"), coerce=int, required=False,
                                  empty_value=None)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False,
                                choices=[("", gettext_lazy("All channels")),
                                         *Case.Channel.choices])
    overdue = forms.ChoiceField(label=gettext_lazy("Overdue"), required=False, choices=YES_NO)
    received_from = forms.DateField(label=gettext_lazy("Received from"), required=False,
                                    widget=DATE_INPUT, input_formats=["%Y-%m-%d"])
    received_to = forms.DateField(label=gettext_lazy("Received to"), required=False,
                                  widget=DATE_INPUT, input_formats=["%Y-%m-%d"])

    def __init__(
        self, *args: Any, prefix_id: str = "filter", states: Choices = (),
        categories: Choices = (), units: Choices = (), **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", f"{prefix_id}-%s")
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", gettext_lazy("All states")), *states]
        self.fields["category"].choices = [("", gettext_lazy("All categories")), *categories]
        self.fields["unit"].choices = [("", gettext_lazy("All units")), *units]
        if not states:
            del self.fields["state"]
        if len(units) < 2:
            del self.fields["unit"]  # one unit of one's own: nothing to choose

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            # Which of the two is wrong is anyone's guess: neither is used.
            self.add_error(None, _("The end date is before the start date."))
            data.pop("received_from"), data.pop("received_to")
        return data

    def filters(self) -> dict[str, Any]:
        """The values that cleaned; the others are left out. Call after is_valid()."""
        return {name: value for name, value in self.cleaned_data.items()
                if name not in self.errors and value not in ("", None)}


class UnitFinderForm(forms.Form):
    """The filters above the list of units (read from the query string, never an error)."""

    q = forms.CharField(label=gettext_lazy("Find a unit"), required=False, max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of unit"), required=False,
                             choices=[("", gettext_lazy("All kinds")), *Unit.Kind.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "units-%s")
        super().__init__(*args, **kwargs)

    def clean_q(self) -> str:
        return normalize_line(self.cleaned_data["q"])

    def filters(self) -> dict[str, str]:
        """The values that cleaned; the others are left out. Call after is_valid()."""
        return {name: value for name, value in self.cleaned_data.items()
                if name not in self.errors and value}
