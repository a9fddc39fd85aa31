"""The citizen's and the public's pages: a submission's wait, the "sent" page, the list of
one's own feedback, and the public answers read from the cache, each under a ceiling."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from feedback import intake
from tests.conftest import MONDAY
from tests.feedback.support import SUBMIT, public_isolation, send, submission  # noqa: F401
from tests.publishing import results
from tests.workflow import drive
from workflow.models import Case, OutboxMessage
from workflow.notifications import backends

pytestmark = pytest.mark.django_db

ANSWERS = reverse("publishing:answers")
HOME = reverse("publishing:home")
MY_CASES = reverse("public:my_cases")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _isolated(public_isolation):  # noqa: F811
    """The public pages' own cache and uploads, as in tests/feedback and tests/publishing."""
    yield


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def page_of(case) -> str:
    return reverse("publishing:answer", args=[case.pk])


# --- Submitting --------------------------------------------------------------------------------
def test_the_citizen_waits_for_one_insert_and_the_worker_for_the_rest(
        client, province, django_assert_max_num_queries):
    client.post(SUBMIT, submission())  # a first one warms the categories
    intake.build_waiting()
    # The savepoint inside the test's transaction (begun and released) and the insert: no
    # look-up of the key before it, no session.
    with django_assert_max_num_queries(3):
        response = client.post(SUBMIT, submission(reporter_phone="0912000222"))
    assert response.status_code == 302
    # The worker: the oldest waiting row, locked; the abuse list, the case, its event and the
    # event's audit row, the outbox rows and the consents; the row cleared; and the look that
    # finds no more. Each look is a transaction, and the build two savepoints inside it, so
    # that a failure leaves the row to count its attempt: here four savepoints in the test's
    # transaction, each begun and released.
    with django_assert_max_num_queries(17):
        assert intake.build_waiting() == 1
    case = Case.objects.get(reporter_phone="0912000222")
    staff_mail = OutboxMessage.objects.filter(case=case, to_reporter=False)
    assert list(staff_mail.values_list("recipient_user_id", flat=True)) == [
        province.coordinator_user.pk]


def test_the_sent_page_reloaded_while_its_cookie_lasts_costs_one_query(
        client, django_assert_max_num_queries):
    send(client, submission())
    code = Case.objects.get().display_code
    submitted = reverse("public:submitted")
    assert code in html(client, submitted)
    with django_assert_max_num_queries(1):
        assert code in html(client, submitted)


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "workflow.notifications.backends.LocmemSmsBackend"
    backends.outbox.clear()
    yield backends.outbox
    backends.outbox.clear()


def opened_with_code(client, sms, phone: str = "0912345678") -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("public:otp_request"), {"otp-phone": phone})
    code = re.search(r"\b(\d{6})\b", sms[-1].text).group(1)
    response = client.post(reverse("public:otp_check"), {"code": code})
    assert response["Location"] == MY_CASES


def test_ones_own_feedback_stays_under_a_ceiling_for_any_number_of_cases(
        client, province, sms, django_assert_max_num_queries):
    first = province.receive(MONDAY)
    opened_with_code(client, sms)
    client.get(MY_CASES)  # the first page after the code pushes the session's time-out ahead
    # Session, count, page: the session is not saved again within a minute.
    with django_assert_max_num_queries(3):
        assert first.display_code in html(client, MY_CASES)
    for day in range(1, 25):
        province.receive(MONDAY.replace(hour=9, minute=day))
    with django_assert_max_num_queries(3):
        page_one = html(client, MY_CASES)
    with django_assert_max_num_queries(3):
        page_two = html(client, f"{MY_CASES}?page=2")
    assert page_one.count('name="case"') == 20 and page_two.count('name="case"') == 5
    assert first.display_code in page_two and first.display_code not in page_one


# --- The public answers, from the cache --------------------------------------------------------
def test_a_second_visit_to_a_case_page_makes_one_query(client, province,
                                                       django_assert_max_num_queries):
    case = drive.published(province, MONDAY, title="Ổ gà trên quốc lộ 22")
    first = html(client, page_of(case))

    with django_assert_max_num_queries(1):  # is it still public, and since when unchanged
        second = html(client, page_of(case))

    assert TOKEN.sub("", second) == TOKEN.sub("", first)
    assert "Ổ gà trên quốc lộ 22" in second


def test_a_second_visit_to_the_list_and_home_makes_one_query(client, province,
                                                             django_assert_max_num_queries):
    for n in range(3):
        drive.published(province, MONDAY + timedelta(hours=n), title=f"Câu hỏi {n}")
    for url in (ANSWERS, f"{ANSWERS}?page=1", HOME):
        html(client, url)

        with django_assert_max_num_queries(1):  # are the cases it names still public
            assert "Câu hỏi 2" in html(client, url)
    html(client, f"{ANSWERS}?category={province.lighting.pk}")
    with django_assert_max_num_queries(0):  # it names none
        html(client, f"{ANSWERS}?category={province.lighting.pk}")


def test_the_list_stays_under_a_ceiling_however_many_answers_it_shows(
        client, province, django_assert_max_num_queries):
    drive.published(province, MONDAY, title="Câu hỏi 0")
    search = f"{ANSWERS}?q=cau+hoi"
    with django_assert_max_num_queries(11):  # the three filter lists are read the first time
        html(client, search)
    for n in range(1, 25):
        drive.published(province, MONDAY + timedelta(hours=n), title=f"Câu hỏi {n}")

    # Count; the page's case ids from the search documents, their cases by primary key,
    # their units (the filter lists are kept until a name changes); and the search's
    # planner settings (a savepoint here, a transaction in production, and one set_config
    # before the count and one before the page).
    with django_assert_max_num_queries(8):
        page = html(client, search)

    assert page.count('class="answer-item"') == 20


def test_a_repeated_search_is_rendered_again_under_a_ceiling(
        client, province, django_assert_max_num_queries):
    drive.published(province, MONDAY, title="Đường ngập sau mưa")
    search = f"{ANSWERS}?q=duong+ngap"
    html(client, search)

    # The planner settings and the page's ids; no count, no filter lists, and the answer's
    # list item as it was rendered.
    with django_assert_max_num_queries(5):
        assert "Đường ngập sau mưa" in html(client, search)
    drive.published(province, MONDAY + timedelta(hours=1), title="Đường ngập nặng")
    with django_assert_max_num_queries(8):  # a publication: counted and rendered again
        page = html(client, search)
    assert "Đường ngập nặng" in page
    assert "Đường ngập sau mưa" in page


# --- The list of answers and the home page ------------------------------------------------------
# The list of answers unfiltered, once its filter lists are kept: its count and its page.
ANSWERS_LIST_QUERIES = 4
HOME_QUERIES = 3


def test_the_list_of_answers_stays_under_its_ceiling_with_3_answers_or_20(
        client, province, django_assert_max_num_queries):
    for n in range(3):
        drive.published(province, MONDAY + timedelta(hours=n), title=f"Câu hỏi {n}")
    html(client, f"{ANSWERS}?q=x")  # the filter lists, read once and kept
    with django_assert_max_num_queries(ANSWERS_LIST_QUERIES):
        html(client, ANSWERS)
    for n in range(3, 20):
        drive.published(province, MONDAY + timedelta(hours=n), title=f"Câu hỏi {n}")
    with django_assert_max_num_queries(ANSWERS_LIST_QUERIES):
        assert html(client, ANSWERS).count('class="answer-item"') == 20
    with django_assert_max_num_queries(HOME_QUERIES):
        html(client, HOME)


# --- The result: each unit's letter and evidence photos ------------------------------------------
# A case's page rendered afresh: is it public; the case; its units; its timeline and the names
# in it; and its results: the approved shares with their newest signed letter, and the photos.
ANSWER_QUERIES = 8
# The tracked page: the session and the case; its files, comments and rating; the timeline;
# and the results, as above.
TRACKED_QUERIES = 10


def test_a_case_page_shows_any_number_of_photos_under_one_ceiling(
        client, province, django_assert_max_num_queries):
    one = results.published(province, photos=1)
    many = results.published(province, units=[province.roads, province.power], photos=5,
                              now=MONDAY + timedelta(days=1))
    for case, photos in ((one, 1), (many, 10)):
        with django_assert_max_num_queries(ANSWER_QUERIES):
            page = html(client, page_of(case))
        assert page.count('<img src="/tra-loi/anh/') == photos


def test_the_tracked_page_shows_any_number_of_photos_under_one_ceiling(
        client, province, django_assert_max_num_queries):
    one = results.published(province, visibility="confidential", photos=1)
    many = results.published(province, visibility="confidential", photos=5,
                             units=[province.roads, province.power],
                             reporter_phone="0987654321", now=MONDAY + timedelta(days=1))
    for case, phone, photos in ((one, "0912345678", 1), (many, "0987654321", 10)):
        client.post(reverse("public:track"), {"code": case.display_code, "phone": phone})
        with django_assert_max_num_queries(TRACKED_QUERIES):
            page = html(client, reverse("public:tracked"))
        assert page.count('<img src="/tra-cuu/ket-qua/anh/') == photos
