"""JSON in and out: the request's fields, the answers, the errors (IN5: never a 500)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from config.text import has_lone_surrogate

from .multipart import keep_empty_parts

RETRY_AFTER_SECONDS = 900
MAX_INT_ID = 2**63 - 1


class BadBody(Exception):
    """The body is not what the endpoint reads; `errors` is the JSON error mapping."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("bad body")
        self.errors = errors


def json_response(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error_response(errors: dict[str, list[str]], status: int = 400) -> JsonResponse:
    return json_response({"errors": errors}, status=status)


def general_error(message: str, status: int = 400) -> JsonResponse:
    return error_response({NON_FIELD_ERRORS: [message]}, status=status)


def throttled_response() -> JsonResponse:
    response = general_error(_("Too many attempts. Please wait a few minutes and try again."),
                             status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def not_found_response() -> JsonResponse:
    return general_error(_("Not found."), status=404)


def allow(view: Callable[..., HttpResponse], *methods: str) -> Callable[..., HttpResponse]:
    """`view` for `methods` only (GET brings HEAD); any other method gets 405 in JSON with
    the Allow header, before anything else looks at the request. A multipart body's
    empty values are kept (multipart.keep_empty_parts).

    CSRF: the gate answers first, so a GET view never sees an unsafe method, and every
    POST of the API carries its authority in the request itself (an API key, or the
    tracking code with the phone), never in a browser's cookies; hence csrf_exempt.
    """
    allowed = {method.upper() for method in methods}
    if "GET" in allowed:
        allowed.add("HEAD")
    allow_header = ", ".join(sorted(allowed))

    @wraps(view)
    def gate(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in allowed:
            response = general_error(_("This method is not allowed here."), status=405)
            response["Allow"] = allow_header
            return response
        keep_empty_parts(request)
        return view(request, *args, **kwargs)

    gate.allowed_methods = frozenset(allowed)  # type: ignore[attr-defined]
    return csrf_exempt(gate)


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    return {field: [str(e["message"]) for e in errors]
            for field, errors in form.errors.get_json_data().items()}


def validation_errors(error: ValidationError, known: set[str] | None = None) -> dict:
    """A service's ValidationError as the JSON mapping; unknown fields count as general."""
    result: dict[str, list[str]] = {}
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            key = field if known is None or field in known else NON_FIELD_ERRORS
            result.setdefault(key, []).extend(messages)
    else:
        result[NON_FIELD_ERRORS] = list(error.messages)
    return result


def _not_unicode() -> str:
    return _("This text holds a character that is not valid Unicode (a lone surrogate). "
             "Send the text as it was typed, in UTF-8.")


def _text(value: str) -> str:
    if has_lone_surrogate(value):
        # Refused, not repaired: the client can resend what the person typed (IN5).
        raise BadBody({"": [_not_unicode()]})
    return value


def _json_value(field: forms.Field, value: Any) -> list[str] | str:
    """The form's text for a JSON value of `field`, if the value has the documented type.

    JSON says what a value is, so a value of another type (a string for a boolean, a
    number for a text, null) is refused rather than read as text (the form would take
    "no" for a ticked box).
    """
    if isinstance(field, forms.BooleanField):
        if isinstance(value, bool):
            return "true" if value else "false"
        raise BadBody({"": [_("Send true or false.")]})
    if isinstance(field, forms.FloatField | forms.IntegerField | forms.DecimalField):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return repr(value)
        raise BadBody({"": [_("Send a number.")]})
    if isinstance(field, forms.FileField):
        # Files travel in multipart/form-data (or ahead, POST /uploads); JSON has none.
        if value == []:
            return []
        raise BadBody({"": [_("Send photos as multipart/form-data or through the uploads "
                               "endpoint.")]})
    if getattr(field, "takes_list", False):
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [_text(item) for item in value]
        raise BadBody({"": [_("Send a list of texts.")]})
    if isinstance(value, str):
        return _text(value)
    raise BadBody({"": [_("Send a text.")]})


def request_fields(request: HttpRequest, form_class: type[forms.Form]
                   ) -> tuple[Any, MultiValueDict]:
    """The fields and files of a POST: a JSON object, a multipart form or a urlencoded one.

    In JSON, each of the form's fields must have its documented type (a field that takes a
    list, `takes_list`, an array of texts); names the form does not know are ignored, as
    they are in a form. Raises BadBody for a body that is not such an object, or for a
    form body whose values the document would not take (_check_form_values).
    """
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"null")
        except (ValueError, RecursionError):
            raise BadBody({NON_FIELD_ERRORS: [_("The body is not valid JSON.")]}) from None
        if not isinstance(data, dict):
            raise BadBody({NON_FIELD_ERRORS: [_("Send a JSON object.")]})
        fields = MultiValueDict()
        if any(has_lone_surrogate(str(key)) for key in data):
            raise BadBody({NON_FIELD_ERRORS: [_not_unicode()]})
        errors: dict[str, list[str]] = {}
        for name, field in form_class.base_fields.items():
            if name not in data:
                continue
            try:
                value = _json_value(field, data[name])
            except BadBody as bad:
                errors[name] = bad.errors[""]
                continue
            if isinstance(value, list):
                fields.setlist(name, value)
            else:
                fields[name] = value
        if errors:
            raise BadBody(errors)
        _check_form_values(fields, form_class)  # an empty date or code: as in a form
        return fields, MultiValueDict()
    _check_form_values(request.POST, form_class)
    return request.POST, request.FILES


def _form_value_error(field: forms.Field, values: list[str]) -> str | None:
    if isinstance(field, forms.FileField):
        # A part without a file name is a plain field to the parser; the photo would be
        # dropped without a word.
        return _("Send each photo as a file: its part needs a file name.")
    if getattr(field, "takes_list", False):
        return None  # many values are its point; the field says which is wrong
    if len(values) > 1:
        return _("Send one value for this field.")
    if values == [""] and not isinstance(field, forms.CharField):
        return _("Give a value, or leave the field out.")
    if isinstance(field, forms.BooleanField | forms.NullBooleanField) \
            and values[0] not in ("true", "false"):
        return _("Send true or false.")
    return None


def _check_form_values(data: Any, form_class: type[forms.Form]) -> None:
    """A form body keeps to the document as JSON does, where a form would guess.

    A form reads the last of repeated values, `sms_updates=` or `=maybe` as "not asked"
    and `is_confidential=no` as yes, and drops a photo sent as text; the document has one
    value, a number, date or code that is not empty, a boolean written true or false, and
    photos as files. Text may be empty.
    """
    errors = {}
    for name, field in form_class.base_fields.items():
        values = data.getlist(name)
        message = _form_value_error(field, values) if values else None
        if message:
            errors[name] = [message]
    if errors:
        raise BadBody(errors)


def parse_id(value: str) -> int | None:
    """A database id from a URL, or None when it cannot be one (so: 404, never a 500)."""
    if not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= MAX_INT_ID else None
