"""GeoReport v2 endpoints. Each answers in the format its suffix names (.json or .xml).

Every answer under the prefix, errors included, is GeoReport's: an unknown path or format
is 404 and a method a route does not declare is 405, both as the error list, never the
site's HTML page (`allow` and `not_found`, wired for every route in urls.py).

The routes are exempt from CSRF: POST requests is authenticated by its api_key, never by a
cookie, and the others change nothing. The api_key, like every POST field, may come in the
form body or in the query string, where the GeoReport swagger document places it; the body
wins when both carry a field.

Anonymous reports are refused. The province's regulation asks every report for the
reporter's name, phone number and e-mail address (Art. 6.3), as the web form and the JSON
API do; a reporter who fears exposure asks for confidentiality instead (Art. 6.4), which
Open311 has no field for, so such a report comes through the web form. A report missing any
of the three gets a 400 naming each, before anything is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from routing.choices import area_rows
from workflow.models import Case

from ..api import auth
from ..api.http import form_errors, parse_id, validation_errors
from ..api.multipart import keep_empty_parts
from ..services import submit_case
from ..throttling import any_limited, client_ip, record_hits
from . import render, selectors
from .forms import PostRequestForm, SearchForm

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-28T00:00:00+07:00"
SAFE = ("GET", "HEAD")


def allow(view: Callable[..., HttpResponse], methods: Sequence[str] = SAFE
          ) -> Callable[..., HttpResponse]:
    """`view`, answering any other method with Open311's 405 error list and an Allow header."""

    @csrf_exempt
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in methods:
            response = render.errors(
                kwargs.get("fmt", "json"), 405,
                _("This method is not allowed here. Allowed: %(methods)s.")
                % {"methods": ", ".join(methods)})
            response["Allow"] = ", ".join(methods)
            return response
        return view(request, *args, **kwargs)

    return checked


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    """Any other path under the prefix (an unknown resource or format, e.g. requests.csv)."""
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return render.errors(fmt, 404, _("No such Open311 resource or format: the endpoints and "
                                     "their formats (json, xml) are listed in discovery.json."))


def _jurisdiction_error(request: HttpRequest, fmt: str, params: QueryDict) -> HttpResponse | None:
    """A jurisdiction_id, when given, must be ours."""
    given = params.get("jurisdiction_id", "")
    if given and given != settings.OPEN311_JURISDICTION_ID:
        return render.errors(fmt, 404, _("Unknown jurisdiction_id."))
    return None


def _form_error(fmt: str, form_or_errors: Form | dict[str, list[str]]) -> HttpResponse:
    errors = form_or_errors if isinstance(form_or_errors, dict) else form_errors(form_or_errors)
    messages = [message for field_messages in errors.values() for message in field_messages]
    return render.errors(fmt, 400, *messages)


def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    province = settings.PROVINCE
    return render.respond(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": _("%(centre)s — hotline %(hotline)s, %(email)s") % {
            "centre": province["coordinator_name"], "hotline": province["hotline"],
            "email": province["email"]},
        "key_service": _("API keys are issued by the portal's administrator: write to "
                         "%(email)s.") % {"email": province["email"]},
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": request.build_absolute_uri(reverse("open311:root")).rstrip("/"),
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


def _service(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.label,
        "description": "",
        "metadata": True,  # the area attribute (service_definition)
        "type": "realtime",
        "keywords": "",
        "group": "",
    }


def services(request: HttpRequest, fmt: str) -> HttpResponse:
    if error := _jurisdiction_error(request, fmt, request.GET):
        return error
    return render.respond(fmt, "services",
                          [_service(c) for c in selectors.active_services()])


def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if error := _jurisdiction_error(request, fmt, request.GET):
        return error
    category = selectors.get_service(code)
    if category is None:
        return render.errors(fmt, 404, _("No such service_code."))
    # Every service asks for one optional attribute: the commune or ward (the case's area).
    return render.respond(fmt, "service_definition", {
        "service_code": category.code,
        "attributes": [{
            "variable": True, "code": "area", "datatype": "singlevaluelist", "required": False,
            "datatype_description": _("The code of a commune or ward; leave it out if not "
                                      "known."),
            "order": 1, "description": _("Commune or ward where it happened"),
            "values": [{"key": code, "name": label} for _pk, code, label in area_rows(cached=True)],
        }],
    })


def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    if error := _jurisdiction_error(request, fmt, request.GET):
        return error
    form = SearchForm(request.GET)
    if not form.is_valid():
        return _form_error(fmt, form)
    data = form.cleaned_data
    rows = selectors.search_requests(
        ids=data["service_request_id"], service_codes=data["service_code"],
        start=data["start_date"], end=data["end_date"], statuses=data["status"],
    )
    return render.respond(fmt, "service_requests", rows)


def _post_params(request: HttpRequest) -> QueryDict:
    """The POST's fields: the form body, and the query string for any it does not carry.
    A multipart part that ends with its headers is an empty value, as RFC 2046 writes it,
    not a field left out (multipart.keep_empty_parts)."""
    keep_empty_parts(request)
    params = request.GET.copy()
    for key, values in request.POST.lists():
        params.setlist(key, values)
    return params


@never_cache
def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    params = _post_params(request)
    api_key = auth.authenticate_key(params.get("api_key"))
    if api_key is None:
        return render.errors(fmt, 403, _("A valid api_key is required."))
    if error := _jurisdiction_error(request, fmt, params):
        return error
    try:
        idempotency_key = auth.scoped_idempotency_key(
            f"o311:{api_key.pk}", request.headers.get("Idempotency-Key"))
    except ValueError:
        return render.errors(fmt, 400, _("The Idempotency-Key header must be 16 to 64 "
                                         "letters, digits, dashes or underscores."))
    form = PostRequestForm(params)
    if not form.is_valid():
        return _form_error(fmt, form)
    data = form.cleaned_data
    repeat = Case.objects.filter(idempotency_key=idempotency_key).first() \
        if idempotency_key else None
    if repeat is None:
        checks = {"submit:ip": client_ip(request), "submit:phone": data["phone"]}
        if any_limited(checks):
            response = render.errors(fmt, 429, _("Too many requests. Please wait a few "
                                                 "minutes and try again."))
            response["Retry-After"] = "900"
            return response
        try:
            case, created = submit_case(
                channel=Case.Channel.OPEN311, title=data["title"], content=data["description"],
                reporter_name=data["reporter_name"], reporter_phone=data["phone"],
                reporter_email=data["email"], location_text=data["location_text"],
                latitude=data["latitude"], longitude=data["longitude"],
                category=data["service_code"], area=data["area"], notice_version=None,
                idempotency_key=idempotency_key, language=get_language() or "vi",
                now=timezone.now(),
            )
        except ValidationError as error:
            return _form_error(fmt, validation_errors(error))
        if created:
            record_hits(checks)
    else:
        case = repeat
    notice = _("Received. The coordination centre reviews it within 4 working hours; "
               "the reporter gets a tracking code by SMS or e-mail.")
    # account_id "may not be returned": we keep no accounts for Open311 apps.
    return render.respond(fmt, "service_requests", [{
        "service_request_id": str(case.pk), "service_notice": notice,
    }])


def request_detail(request: HttpRequest, pk: str, fmt: str) -> HttpResponse:
    if error := _jurisdiction_error(request, fmt, request.GET):
        return error
    number = parse_id(pk)
    row = selectors.get_request(number) if number is not None else None
    if row is None:
        return render.errors(fmt, 404, _("No such service_request_id."))
    return render.respond(fmt, "service_requests", [row])


def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    if error := _jurisdiction_error(request, fmt, request.GET):
        return error
    request_id = selectors.open311_request_id(token)
    if request_id is None:
        return render.errors(fmt, 404, _("No such token."))
    return render.respond(fmt, "service_requests",
                          [{"service_request_id": request_id, "token": token}])


def root(request: HttpRequest) -> HttpResponse:
    return discovery(request, "json")
