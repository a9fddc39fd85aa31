"""The upload of a unit's signed reply letter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .signed_letters import LetterRefused, check_signed_letter, max_letter_bytes


class SignedLetterForm(forms.Form):
    """The reply letter as the unit signed it: a PDF within the size limit."""

    file = forms.FileField(
        label=_("Signed letter (PDF)"),
        help_text=_("The letter as signed in your unit's document system."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_letter_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": max_letter_bytes() // (1024 * 1024)}
            )
        data = upload.read()
        try:
            check_signed_letter(data)
        except LetterRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.data_bytes = data
        return upload
