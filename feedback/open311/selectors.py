"""What Open311 may read: services (categories), and service requests (cases).

A full request (description, address, coordinates, reply) comes only from
`publishing.selectors.public_cases()`. Any other case that is neither confidential nor a
state secret answers a status stub: state, service, times and responsible agency — never
its text, place or reporter (DP3, DP4). Confidential and state-secret cases do not exist here.
A case reads the same by its id, in a list of ids and in a search: a POSTed request is
found by `requests.json?service_request_id=…` and `status=open` as soon as it is stored.

Rows hold only what GeoReport v2 allows: a field with no value is left out (it "may not be
returned"), never null or an empty URL; a description is at most 4,000 characters.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from publishing.selectors import public_cases
from routing.models import Category
from workflow.models import Assignment, Case

from ..api.http import parse_id

MAX_RESULTS = 200
DESCRIPTION_LIMIT = 4000  # GeoReport v2: "free form text limited to 4,000 characters"
SERVICE_CODE = re.compile(r"[-a-zA-Z0-9_]{1,40}")
# GeoReport's two states; every one of ours falls in one of them.
CLOSED_STATES = (Case.State.PUBLISHED, Case.State.REJECTED)

PUBLIC_COLUMNS = (
    "content", "location_text", "reply_text", "received_at", "published_at", "updated_at",
    "state", "latitude", "longitude", "category__code", "category__name", "category__name_en",
)
STUB_COLUMNS = ("received_at", "updated_at", "state", "category__code", "category__name",
                "category__name_en")


def active_services() -> QuerySet[Category]:
    # The routing app has no selector for this yet: a plain read of active categories.
    return Category.objects.filter(is_active=True)


def get_service(code: str) -> Category | None:
    """The active category whose code this is; anything that is not a slug is no code."""
    if not SERVICE_CODE.fullmatch(code):
        return None
    return active_services().filter(code=code).first()


def _service_name(category: Category | None) -> str:
    if category is None:
        return ""
    return category.label


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _coordinate(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def status_of(case: Case) -> str:
    return "closed" if case.state in CLOSED_STATES else "open"


def _units(assignments: QuerySet[Assignment]) -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=assignments.select_related("unit")
        .only("case_id", "unit__name").order_by("unit__name"),
        to_attr="agency_assignments",
    )


def _agency(case: Case) -> str:
    names = list(dict.fromkeys(a.unit.name for a in case.agency_assignments))
    # Not yet dispatched: the coordination centre holds it (Art. 7).
    return ", ".join(names) if names else settings.PROVINCE["coordinator_name"]


def _public_requests() -> QuerySet[Case]:
    return (public_cases().select_related("category").only(*PUBLIC_COLUMNS)
            .prefetch_related(_units(Assignment.objects.filter(state=Assignment.State.APPROVED))))


def _visible() -> QuerySet[Case]:
    """Every case Open311 may name at all, in full or as a stub."""
    return Case.objects.filter(is_confidential=False, is_state_secret=False)


def _stub_requests() -> QuerySet[Case]:
    return (_visible().select_related("category").only(*STUB_COLUMNS)
            .prefetch_related(_units(Assignment.objects.exclude(state=Assignment.State.RETURNED))))


def _rows(pks: list[int]) -> list[dict]:
    """The requests `pks`, in that order: public ones in full, the others as stubs."""
    public = {case.pk: case for case in _public_requests().filter(pk__in=pks)}
    others = [pk for pk in pks if pk not in public]
    stubs = {case.pk: case for case in _stub_requests().filter(pk__in=others)} if others else {}
    return [full_request(public[pk]) if pk in public else stub_request(stubs[pk])
            for pk in pks if pk in public or pk in stubs]


def search_requests(*, ids: list[int], service_codes: list[str], start: datetime | None,
                    end: datetime | None, statuses: list[str]) -> list[dict]:
    """The requests found, newest first; given ids, the other filters are ignored
    (GeoReport). Both statuses, or none, mean every status."""
    qs = _visible()
    if ids:
        qs = qs.filter(pk__in=ids)
    else:
        if service_codes:
            qs = qs.filter(category__code__in=service_codes)
        if start is not None:
            qs = qs.filter(received_at__gte=start)
        if end is not None:
            qs = qs.filter(received_at__lte=end)
        if set(statuses) == {"open"}:
            qs = qs.exclude(state__in=CLOSED_STATES)
        elif set(statuses) == {"closed"}:
            qs = qs.filter(state__in=CLOSED_STATES)
    pks = list(qs.order_by("-received_at", "-pk").values_list("pk", flat=True)[:MAX_RESULTS])
    return _rows(pks)


def _description(text: str) -> str:
    if len(text) <= DESCRIPTION_LIMIT:
        return text
    return text[: DESCRIPTION_LIMIT - 1] + "…"


def _present(row: dict) -> dict:
    return {key: value for key, value in row.items() if value is not None}


def full_request(case: Case) -> dict:
    # No media_url: attachments are never under a public URL (AC2).
    return _present({
        "service_request_id": str(case.pk),
        "status": status_of(case),
        "status_notes": case.reply_text,
        "service_name": _service_name(case.category),
        "service_code": case.category.code if case.category else "",
        "description": _description(case.content),
        "agency_responsible": _agency(case),
        "service_notice": "",
        "requested_datetime": _iso(case.received_at),
        "updated_datetime": _iso(case.published_at or case.updated_at),
        "expected_datetime": None,
        "address": case.location_text,
        "address_id": "",
        "zipcode": "",
        "lat": _coordinate(case.latitude),
        "long": _coordinate(case.longitude),
    })


def stub_request(case: Case) -> dict:
    """A case not (yet) public: its status, service, times and agency, nothing else."""
    return _present({
        "service_request_id": str(case.pk),
        "status": status_of(case),
        "status_notes": str(case.get_state_display()),
        "service_name": _service_name(case.category),
        "service_code": case.category.code if case.category else "",
        "agency_responsible": _agency(case),
        "requested_datetime": _iso(case.received_at),
        "updated_datetime": _iso(case.updated_at),
    })


def get_request(pk: int) -> dict | None:
    """The request `pk` as Open311 may show it, or None (unknown, confidential, secret)."""
    rows = _rows([pk])
    return rows[0] if rows else None


def open311_request_id(token: str) -> str | None:
    """Tokens: we answer POST with the id itself, so a token is that id, for a case that
    came through Open311 and may be shown here at all."""
    pk = parse_id(token)
    if pk is None:
        return None
    exists = Case.objects.filter(pk=pk, channel=Case.Channel.OPEN311, is_confidential=False,
                                 is_state_secret=False).exists()
    return str(pk) if exists else None
