"""JSON in and out: the request's fields, the answers, the errors (IN5: never a 500)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from config.text import has_lone_surrogate

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


def _as_text(value: Any, field: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and has_lone_surrogate(value):
        # Refused, not repaired: the client can resend what the person typed (IN5).
        raise BadBody({field: [_not_unicode()]})
    if isinstance(value, str | int | float):
        return str(value)
    raise BadBody({field: [_("Send a single value.")]})


def request_fields(
    request: HttpRequest, lists: frozenset[str] | set[str] = frozenset()
) -> tuple[Any, MultiValueDict]:
    """The fields and files of a POST: a JSON object, a multipart form or a urlencoded one.

    In JSON, the fields named in `lists` may hold an array of plain values, read like a
    repeated form field (getlist). Raises BadBody for a JSON body that is not an object of
    plain values.
    """
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"null")
        except (ValueError, RecursionError):
            raise BadBody({NON_FIELD_ERRORS: [_("The body is not valid JSON.")]}) from None
        if not isinstance(data, dict):
            raise BadBody({NON_FIELD_ERRORS: [_("Send a JSON object.")]})
        fields = MultiValueDict()
        for key, value in data.items():
            name = str(key)
            if has_lone_surrogate(name):
                raise BadBody({NON_FIELD_ERRORS: [_not_unicode()]})
            if value is None:
                continue
            if name in lists and isinstance(value, list):
                fields.setlist(name, [_as_text(item, name) for item in value])
            else:
                fields[name] = _as_text(value, name)
        return fields, MultiValueDict()
    return request.POST, request.FILES


def parse_id(value: str) -> int | None:
    """A database id from a URL, or None when it cannot be one (so: 404, never a 500)."""
    if not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= MAX_INT_ID else None
