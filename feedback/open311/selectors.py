"""What Open311 may read: services (categories), and service requests (cases).

A full request (description, address, coordinates, reply) comes only from
`publishing.selectors.public_cases()`. Any other case that is neither confidential nor a
state secret answers a status stub: state, service, times and responsible agency — never
its text, place or reporter (DP3, DP4). Confidential and state-secret cases do not exist here.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from publishing.selectors import public_cases
from routing.models import Category
from workflow.models import Assignment, Case

from ..api.http import parse_id

MAX_RESULTS = 200
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
    return category.name_en if get_language() == "en" and category.name_en else category.name


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


def search_requests(*, ids: list[int], service_codes: list[str], start: datetime | None,
                    end: datetime | None, statuses: list[str]) -> list[dict]:
    """Published public cases only; given ids, the other filters are ignored (GeoReport)."""
    qs = _public_requests()
    if ids:
        qs = qs.filter(pk__in=ids)
    else:
        if service_codes:
            qs = qs.filter(category__code__in=service_codes)
        if start is not None:
            qs = qs.filter(received_at__gte=start)
        if end is not None:
            qs = qs.filter(received_at__lte=end)
        if statuses and "closed" not in statuses:
            qs = qs.none()  # a published case is closed
    return [full_request(case) for case in qs.order_by("-received_at", "-pk")[:MAX_RESULTS]]


def full_request(case: Case) -> dict:
    return {
        "service_request_id": str(case.pk),
        "status": status_of(case),
        "status_notes": case.reply_text,
        "service_name": _service_name(case.category),
        "service_code": case.category.code if case.category else "",
        "description": case.content,
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
        # Attachments are never under a public URL (AC2); a public photo page may come later.
        "media_url": "",
    }


def stub_request(case: Case) -> dict:
    """A case not (yet) public: its status, service, times and agency, nothing else."""
    return {
        "service_request_id": str(case.pk),
        "status": status_of(case),
        "status_notes": str(case.get_state_display()),
        "service_name": _service_name(case.category),
        "service_code": case.category.code if case.category else "",
        "agency_responsible": _agency(case),
        "requested_datetime": _iso(case.received_at),
        "updated_datetime": _iso(case.updated_at),
    }


def get_request(pk: int) -> dict | None:
    """The request `pk` as Open311 may show it, or None (unknown, confidential, secret)."""
    case = _public_requests().filter(pk=pk).first()
    if case is not None:
        return full_request(case)
    stub = (
        Case.objects.filter(pk=pk, is_confidential=False, is_state_secret=False)
        .select_related("category").only(*STUB_COLUMNS)
        .prefetch_related(_units(Assignment.objects.exclude(state=Assignment.State.RETURNED)))
        .first()
    )
    return stub_request(stub) if stub is not None else None


def open311_request_id(token: str) -> str | None:
    """Tokens: we answer POST with the id itself, so a token is that id, for a case that
    came through Open311 and may be shown here at all."""
    pk = parse_id(token)
    if pk is None:
        return None
    exists = Case.objects.filter(pk=pk, channel=Case.Channel.OPEN311, is_confidential=False,
                                 is_state_secret=False).exists()
    return str(pk) if exists else None
