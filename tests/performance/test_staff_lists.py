"""The staff lists' queries: each queue, the list of units, the personal data requests, the
leader's figures and the moderation hold stay under a ceiling however many rows they hold."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.generations import bump
from routing.models import Unit
from routing.selectors import REPORTER
from tests.conftest import MONDAY
from tests.factories import UnitFactory
from tests.performance.staff import HOME, opened, signed_in
from tests.workflow import drive, listed, month
from tests.workflow.month import TUESDAY_9AM
from workflow import queue_cache, services
from workflow.models import DataRequest
from workflow.privacy import requests as privacy
from workflow.selectors import unit_figures, unit_supervision
from workflow.worktime import get_calendar

# The queries of one queue page, whatever its length: session, the user with their roles
# (routing.auth), the list's COUNT and SELECT. The filters' categories and units come from
# the cache (routing.choices). The session is not saved again within a minute of its last
# push of the idle time-out (config.middleware.IdleTimeoutMiddleware).
COORDINATOR_QUEUE_QUERIES = 4
UNIT_INBOX_QUERIES = 4
LEADER_QUEUES_QUERIES = 6  # the approval queue adds its COUNT and SELECT
SUPERVISOR_LIST_QUERIES = 4
# Session, the user with their roles, the units' names, their figures (one aggregate).
UNITS_LIST_QUERIES = 4
# A report received and held for moderation, with its one look at the abuse list (phone and
# e-mail together, however long the list), and its event's audit row.
HELD_RECEIPT_QUERIES = 7
# The open personal data requests: session, the user with their roles, the count and the
# page of requests with their cases.
DATA_REQUESTS_QUERIES = 4
FILTERS = "channel=web&received_from=2026-03-01&received_to=2026-03-31"


def queue(client, user, url: str, ceiling: int, django_assert_max_num_queries) -> str:
    signed_in(client, user, url)
    bump(queue_cache.GENERATION_KEY)  # a case changed: the home queues are written afresh
    return opened(client, url, ceiling, django_assert_max_num_queries)


def make_received(p, n: int) -> None:
    for i in range(n):
        p.receive(title=f"Phản ánh số {i}")


def make_assigned(p, n: int) -> None:
    for i in range(n):
        drive.assigned(p, MONDAY, title=f"Phản ánh số {i}")


def make_awaiting(p, n: int) -> None:
    for i in range(n):
        drive.awaiting_approval(p, MONDAY, title=f"Phản ánh số {i}")


# --- The queues ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("user", "make", "ceiling"),
    [
        ("coordinator_user", make_received, COORDINATOR_QUEUE_QUERIES),
        ("roads_staff_user", make_assigned, UNIT_INBOX_QUERIES),
        ("roads_leader_user", make_awaiting, LEADER_QUEUES_QUERIES),
        ("supervisor_user", make_received, SUPERVISOR_LIST_QUERIES),
    ],
)
def test_a_queue_stays_under_its_ceiling_with_3_cases_or_30(
        client, province, user, make, ceiling, django_assert_max_num_queries):
    make(province, 3)
    queue(client, getattr(province, user), HOME, ceiling, django_assert_max_num_queries)
    make(province, 27)
    queue(client, getattr(province, user), HOME, ceiling, django_assert_max_num_queries)


@pytest.mark.parametrize(
    ("user", "make", "extra", "ceiling"),
    [
        ("coordinator_user", make_received, "", COORDINATOR_QUEUE_QUERIES),
        ("roads_staff_user", make_assigned, "category", UNIT_INBOX_QUERIES),
        ("roads_leader_user", make_awaiting, "category", LEADER_QUEUES_QUERIES),
        ("supervisor_user", make_assigned, "category+unit", SUPERVISOR_LIST_QUERIES),
    ],
)
def test_a_filtered_queue_stays_under_its_ceiling_with_3_cases_or_30(
        client, province, user, make, extra, ceiling, django_assert_max_num_queries):
    # The units' deadlines are long past; a dispatched case has none of its own.
    url = f"{HOME}?{FILTERS}&overdue={'no' if user == 'supervisor_user' else 'yes'}"
    if "category" in extra:
        url += f"&category={province.permits.pk}"
    if "unit" in extra:
        url += f"&unit={province.roads.pk}"
    make(province, 3)
    queue(client, getattr(province, user), url, ceiling, django_assert_max_num_queries)
    make(province, 27)
    html = queue(client, getattr(province, user), url, ceiling, django_assert_max_num_queries)
    assert len(set(listed.codes(html))) == 30


# --- The units ------------------------------------------------------------------------------------
@pytest.mark.parametrize("extra", [0, 40])
def test_the_list_of_units_stays_under_its_ceiling_whatever_its_length(
        client, province, extra, django_assert_max_num_queries):
    for n in range(extra):
        unit = UnitFactory(name=f"Xã {n}", code=f"xa-{n}")
        if n % 10 == 0:
            drive.assigned(province, MONDAY, units=[unit])
    units = reverse("staff:units")
    signed_in(client, province.supervisor_user, units)
    opened(client, units, UNITS_LIST_QUERIES, django_assert_max_num_queries)


def test_the_figures_of_a_page_of_units_are_one_query(province, django_assert_max_num_queries):
    units = [(u.pk, u.name) for u in Unit.objects.all()]
    get_calendar()
    with django_assert_max_num_queries(1):
        unit_figures(units, timezone.now())


@pytest.fixture
def roads_month(province):
    return month.roads_month(province)


def test_the_leaders_figures_are_two_queries(roads_month, django_assert_max_num_queries):
    get_calendar()
    with django_assert_max_num_queries(2):
        unit_supervision(frozenset({roads_month.roads.pk, roads_month.power.pk}), TUESDAY_9AM)


# --- Personal data requests ----------------------------------------------------------------------
def test_the_open_requests_stay_under_a_ceiling_however_many_there_are(
        client, province, django_assert_max_num_queries):
    def filed(case) -> None:
        privacy.file_request(case=case, kind=DataRequest.Kind.ACCESS,
                             channel=DataRequest.Channel.WEB, actor=REPORTER,
                             now=MONDAY + timedelta(hours=1))

    requests = reverse("staff:data_requests")
    client.force_login(province.coordinator_user)
    filed(province.receive())
    client.get(requests)  # warm the session and the per-process caches
    with django_assert_max_num_queries(DATA_REQUESTS_QUERIES):
        assert client.get(requests).status_code == 200
    for minute in range(5):
        filed(province.receive(now=MONDAY + timedelta(minutes=minute + 1),
                               reporter_phone=f"09000000{minute:02d}"))
    with django_assert_max_num_queries(DATA_REQUESTS_QUERIES):
        response = client.get(requests)
    assert len(response.context["page"].object_list) == 6


# --- The moderation hold -------------------------------------------------------------------------
def list_reporter(province, kind: str, **contact) -> None:
    case = province.receive(**contact)
    services.add_reporter_to_abuse_list(case_id=case.pk, kind=kind, reason="Quấy rối",
                                        actor=province.coordinator, now=MONDAY)


def test_the_hold_check_costs_the_same_however_long_the_abuse_list(
        province, django_assert_max_num_queries):
    list_reporter(province, "phone", reporter_phone="0912345678")
    with django_assert_max_num_queries(HELD_RECEIPT_QUERIES):
        assert province.receive(reporter_phone="0912345678").on_hold
    for n in range(10):
        list_reporter(province, "phone", reporter_phone=f"09090001{n:02d}")
        list_reporter(province, "email", reporter_phone=f"09090002{n:02d}",
                      reporter_email=f"spam{n}@example.vn")
    with django_assert_max_num_queries(HELD_RECEIPT_QUERIES):
        assert province.receive(reporter_phone="0909000105",
                                reporter_email="spam5@example.vn").on_hold
