"""The staff case page's queries: a ceiling that does not grow with the case's drafts, events,
photos, messages or the number of units to dispatch to."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from tests.conftest import MONDAY
from tests.factories import UnitFactory
from tests.performance.staff import case_url, opened, signed_in
from tests.workflow import drive
from workflow import services
from workflow.letters import staff_letter_links
from workflow.models import Assignment, DraftPhoto
from workflow.selectors import possible_duplicates
from workflow.signed_letters import upload_signed_letter
from workflow.tasks import find_duplicates_task
from workflow.views.case import case_assignments

# The case page: session, the user with their roles (routing.auth), the case with the
# reporter's photos and videos and its log (and for the coordinator its messages and stored
# possible duplicates), its assignments with their newest drafts and signed letters (the
# session is saved again only a minute after its last push). A case not yet dispatched has
# no assignment; its dispatch form's unit list comes from the cache (routing.choices).
COORDINATOR_CASE_PAGE_QUERIES = 4
COORDINATOR_DISPATCH_PAGE_QUERIES = 4
# A received case: its classify form's lists of categories and of communes and wards
# (routing.choices) are read once each into the cache, on the first page after a change.
COORDINATOR_CLASSIFY_PAGE_QUERIES = 5
UNIT_CASE_PAGE_QUERIES = 4
CASE_PAGE_QUERIES = {"coordinator_user": COORDINATOR_CASE_PAGE_QUERIES,
                     "roads_staff_user": UNIT_CASE_PAGE_QUERIES,
                     "roads_leader_user": UNIT_CASE_PAGE_QUERIES}
# The first opening also looks for the duplicates: same phone, the neighbours in time on
# each side, the similar titles among them, the insert and the mark, in a savepoint; then
# reads what it found.
FIRST_OPENING_EXTRA_QUERIES = 9
SIGNED_LETTER = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Sig /ByteRange [0 120 4216 512] /Contents <3082> >>\n"
    b"endobj\ntrailer\n<< >>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def case_page(client, user, case, django_assert_max_num_queries, ceiling: int) -> str:
    # The coordinator looked for the case's duplicates when it came in (its first opening,
    # counted below); from then on the page reads them in one query.
    possible_duplicates(case)
    signed_in(client, user)
    return opened(client, case_url(case), ceiling, django_assert_max_num_queries)


def draft_rounds(p, rounds: int) -> Assignment:
    """A draft waiting for approval after `rounds` versions (each return adds events)."""
    assignment = drive.awaiting_approval(p, MONDAY)
    for i in range(rounds - 1):
        now = MONDAY + timedelta(hours=2 + i)
        services.return_to_staff(assignment_id=assignment.pk, note=f"Sửa lần {i}",
                                 actor=p.roads_leader, now=now)
        services.submit_draft(assignment_id=assignment.pk, actor=p.roads_staff,
                              now=now + timedelta(minutes=5), body=f"Bản thứ {i + 2}")
    assignment.refresh_from_db()
    return assignment


def jpeg() -> ContentFile:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def draft_with_photos(p, count: int) -> Assignment:
    """The roads unit's draft with `count` photos, waiting for its leader, on a case sent to
    both roads and power."""
    case = drive.assigned(p, MONDAY, units=[p.roads, p.power])
    assignment = drive.assignment_of(case, p.roads)
    services.accept_assignment(assignment_id=assignment.pk, actor=p.roads_staff,
                               now=MONDAY + drive.STEP)
    services.submit_draft(assignment_id=assignment.pk, actor=p.roads_staff,
                          now=MONDAY + 2 * drive.STEP, body="Đã xử lý xong.",
                          photos=[jpeg() for _ in range(count)])
    assignment.refresh_from_db()
    return assignment


@pytest.mark.parametrize("user", ["coordinator_user", "roads_staff_user", "roads_leader_user"])
def test_the_case_page_stays_under_its_ceiling_with_one_draft_or_five(
        client, province, user, django_assert_max_num_queries):
    one = draft_rounds(province, 1)
    five = draft_rounds(province, 5)
    assert five.drafts.count() == 5
    for assignment in (one, five):
        case_page(client, getattr(province, user), assignment.case,
                  django_assert_max_num_queries, CASE_PAGE_QUERIES[user])


def test_the_first_opening_looks_for_duplicates_under_a_ceiling_however_many_cases_came_in(
        client, province, django_assert_max_num_queries):
    few = drive.classified(province, MONDAY)
    for minute in range(1, 30):
        province.receive(now=MONDAY + timedelta(minutes=minute),
                         title=f"Đèn đường hỏng số {minute}")
    many = drive.classified(province, MONDAY + timedelta(hours=1))
    signed_in(client, province.coordinator_user)
    for case in (few, many):
        opened(client, case_url(case),
               COORDINATOR_DISPATCH_PAGE_QUERIES + FIRST_OPENING_EXTRA_QUERIES,
               django_assert_max_num_queries)


def test_the_dispatch_page_stays_under_its_ceiling_with_one_event_or_six(
        client, province, django_assert_max_num_queries):
    one = drive.classified(province, MONDAY)
    six = drive.classified(province, MONDAY)
    for i in range(2):
        services.send_back_for_verification(case_id=six.pk, reason=f"Xác minh {i}",
                                            actor=province.coordinator, now=MONDAY)
        services.classify_case(case_id=six.pk, category=province.permits,
                               actor=province.coordinator, now=MONDAY)
    assert six.events.count() == 6
    for case in (one, six):
        case_page(client, province.coordinator_user, case, django_assert_max_num_queries,
                  COORDINATOR_DISPATCH_PAGE_QUERIES)


@pytest.mark.parametrize("extra_units", [0, 30])
def test_the_dispatch_page_stays_under_its_ceiling_with_few_or_many_units(
        client, province, extra_units, django_assert_max_num_queries):
    for n in range(extra_units):
        UnitFactory(name=f"Phường {n}", code=f"phuong-{n}")
    case = drive.classified(province, MONDAY)
    possible_duplicates(case)  # as at intake
    signed_in(client, province.coordinator_user)
    opened(client, case_url(case) + "?find_units=phuong", COORDINATOR_DISPATCH_PAGE_QUERIES,
           django_assert_max_num_queries)


def test_the_case_page_stays_under_its_ceiling_with_one_event_or_many(
        client, province, django_assert_max_num_queries):
    one = drive.assigned(province, MONDAY)
    many = drive.awaiting_approval(province, MONDAY).case
    for case in (one, many):
        case_page(client, province.coordinator_user, case, django_assert_max_num_queries,
                  COORDINATOR_CASE_PAGE_QUERIES)


@pytest.mark.parametrize("user", ["coordinator_user", "roads_staff_user", "roads_leader_user"])
def test_the_case_page_stays_under_its_ceiling_with_no_photo_or_five(
        client, province, user, django_assert_max_num_queries):
    none = draft_with_photos(province, count=0)
    five = draft_with_photos(province, count=5)
    assert DraftPhoto.objects.filter(draft__assignment=five).count() == 5
    for assignment in (none, five):
        case_page(client, getattr(province, user), assignment.case,
                  django_assert_max_num_queries, CASE_PAGE_QUERIES[user])


def test_the_case_page_stays_under_its_ceiling_with_no_message_or_several(
        client, province, django_assert_max_num_queries):
    few = province.receive()
    many = drive.assigned(province, MONDAY)
    assert many.outbox_messages.count() > few.outbox_messages.count()
    case_page(client, province.coordinator_user, few, django_assert_max_num_queries,
              COORDINATOR_CLASSIFY_PAGE_QUERIES)
    # At most the units' rows and drafts more, never the messages.
    case_page(client, province.coordinator_user, many, django_assert_max_num_queries,
              COORDINATOR_DISPATCH_PAGE_QUERIES + 2)


def test_a_case_the_beat_already_searched_opens_under_the_ordinary_ceiling(
        client, province, django_assert_max_num_queries):
    province.receive(now=MONDAY - timedelta(days=2), title="Cống thoát nước nghẹt")
    case = province.receive(title="Đèn đường hỏng trên đường 30/4")
    find_duplicates_task.apply()
    signed_in(client, province.coordinator_user)
    opened(client, case_url(case), COORDINATOR_CLASSIFY_PAGE_QUERIES,
           django_assert_max_num_queries)


def test_the_letters_read_from_the_case_pages_assignments_are_at_most_one_query(
        province, django_assert_max_num_queries):
    case = drive.approved(province, MONDAY)
    assignment = drive.assignment_of(case, province.roads)
    for n in range(2):  # the newer one counts
        upload_signed_letter(assignment_id=assignment.pk, data=SIGNED_LETTER + bytes([n]),
                             actor=province.coordinator, now=MONDAY + timedelta(days=1))
    for actor in (province.coordinator, province.roads_leader, province.roads_staff,
                  province.power_staff, province.supervisor):
        assignments = case_assignments(actor, case)
        with django_assert_max_num_queries(1):
            staff_letter_links(actor, case.pk, assignments)
