"""Forms of the personal data requests (SECURITY DP7): the reporter's and the coordinator's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.text import normalize_line, normalize_text

from .models import DataRequest


class ServiceErrorsMixin:
    def add_service_error(self, error: ValidationError) -> None:
        """Place a service's refusal next to its field; other keys become a form error."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)  # type: ignore[attr-defined]
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)  # type: ignore[attr-defined]


class DataRequestForm(ServiceErrorsMixin, forms.Form):
    """Who is asking (tracking code and phone, as for tracking) and what they ask for."""

    tracking_code = forms.CharField(label=_("Tracking code"), max_length=32)
    phone = forms.CharField(label=_("Phone number given with the case"), max_length=32)
    kind = forms.ChoiceField(label=_("Request"), choices=DataRequest.Kind.choices,
                             widget=forms.RadioSelect)
    details = forms.CharField(label=_("Details (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    reporter_name = forms.CharField(label=_("Corrected name"), required=False, max_length=200)
    reporter_phone = forms.CharField(label=_("Corrected phone"), required=False, max_length=32)
    reporter_email = forms.CharField(label=_("Corrected e-mail"), required=False,
                                     max_length=254)
    reporter_address = forms.CharField(label=_("Corrected address"), required=False,
                                       max_length=255)

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff:  # the coordinator records a request received by hotline, in person or letter
            self.fields["channel"] = forms.ChoiceField(
                label=_("Received through"),
                choices=[c for c in DataRequest.Channel.choices
                         if c[0] != DataRequest.Channel.WEB])
        self.fields["kind"].widget.attrs["class"] = "choices"

    def clean_tracking_code(self) -> str:
        return normalize_line(self.cleaned_data["tracking_code"]).upper()

    def clean_details(self) -> str:
        return normalize_text(self.cleaned_data["details"])

    def corrections(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in
                ("reporter_name", "reporter_phone", "reporter_email", "reporter_address")}


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note for the record (optional)"), required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RefuseForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason given to the reporter"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
