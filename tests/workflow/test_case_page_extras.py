"""The staff case page shows the reporter's photos, the reply letters and, to the coordinator,
the possible duplicates (same phone or similar title within 30 days)."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from config.celery import app
from feedback.models import Attachment
from tests.conftest import MONDAY
from tests.workflow import drive
from workflow import services
from workflow.models import Case
from workflow.selectors import find_waiting_duplicates, get_case_for
from workflow.tasks import find_duplicates_task
from workflow.views.case import case_events, page_lists

pytestmark = pytest.mark.django_db

TITLE = "Đèn đường hỏng trên đường 30/4"


def page_of(client, user, case):
    client.force_login(user)
    response = client.get(reverse("staff:case", args=[case.pk]))
    assert response.status_code == 200
    return response


def duplicate_codes(response) -> list[str]:
    return [d.code for d in response.context["page"].duplicates]


def test_the_coordinator_sees_cases_from_the_same_phone_within_30_days(client, province):
    case = province.receive(title=TITLE)
    earlier = province.receive(now=MONDAY - timedelta(days=20), title="Cống thoát nước nghẹt")
    province.receive(now=MONDAY - timedelta(days=40), title="Cây đổ chắn đường")
    province.receive(now=MONDAY + timedelta(hours=1), title="Rác thải ven sông",
                     reporter_phone="0987654321", reporter_email="b@example.vn")

    response = page_of(client, province.coordinator_user, case)

    assert duplicate_codes(response) == [earlier.display_code]
    assert response.context["page"].duplicates[0].same_phone


def test_a_similar_title_from_another_phone_is_a_possible_duplicate_accents_ignored(client,
                                                                                   province):
    case = province.receive(title=TITLE)
    similar = province.receive(now=MONDAY + timedelta(days=2),
                               title="Den duong hong tren duong 30/4 chua sua",
                               reporter_phone="0987654321")
    province.receive(now=MONDAY + timedelta(days=3), title="Xin cấp lại giấy phép xây dựng",
                     reporter_phone="0977000111")

    response = page_of(client, province.coordinator_user, case)

    assert duplicate_codes(response) == [similar.display_code]
    assert not response.context["page"].duplicates[0].same_phone
    assert similar.display_code in response.content.decode()


def test_a_unit_never_sees_the_duplicates_which_would_link_a_reporters_cases(client,
                                                                            province):
    case = drive.assigned(province, MONDAY, title=TITLE)
    province.receive(now=MONDAY + timedelta(hours=1), title="Cống thoát nước nghẹt")

    response = page_of(client, province.roads_staff_user, case)

    assert response.context["page"].duplicates is None
    assert 'id="case-duplicates"' not in response.content.decode()


def test_the_reporters_photo_is_on_the_case_page_through_the_checked_view(client, province,
                                                                         settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = drive.assigned(province, MONDAY)
    photo = Attachment.objects.create(case=case, kind="photo", content_type="image/jpeg",
                                      size=4, sha256="0" * 64,
                                      file=ContentFile(b"\xff\xd8\xff\xd9", name="x.jpg"))
    url = reverse("public:attachment", args=[photo.pk])

    html = page_of(client, province.roads_staff_user, case).content.decode()

    assert f'href="{url}"' in html
    assert client.get(url).status_code == 200
    client.force_login(province.power_staff_user)  # a unit the case was not sent to
    assert client.get(url).status_code == 404


def test_the_approved_reply_letter_is_linked_with_the_upload_for_the_leader(client, province):
    case = drive.approved(province, MONDAY)
    assignment = drive.assignment_of(case, province.roads)

    html = page_of(client, province.roads_leader_user, case).content.decode()

    assert reverse("letters:reply", args=[assignment.pk]) in html
    assert reverse("letters:signed", args=[assignment.pk]) in html
    staff_html = page_of(client, province.roads_staff_user, case).content.decode()
    assert reverse("letters:reply", args=[assignment.pk]) in staff_html
    assert reverse("letters:signed", args=[assignment.pk]) not in staff_html


def test_a_later_duplicate_found_at_its_intake_is_listed_on_the_earlier_case_too(client,
                                                                                province):
    earlier = province.receive(title=TITLE)
    assert duplicate_codes(page_of(client, province.coordinator_user, earlier)) == []
    later = province.receive(now=MONDAY + timedelta(days=1), title=TITLE + " (lần 2)",
                             reporter_phone="0987654321")

    assert duplicate_codes(page_of(client, province.coordinator_user, later)) == [
        earlier.display_code]
    assert duplicate_codes(page_of(client, province.coordinator_user, earlier)) == [
        later.display_code]


def test_a_later_opening_lists_the_same_duplicates_as_the_first_read_with_the_case(client,
                                                                                  province):
    case = province.receive(title=TITLE)
    province.receive(now=MONDAY - timedelta(days=2), title="Cống thoát nước nghẹt")
    province.receive(now=MONDAY + timedelta(days=1), title=TITLE + " (lần 2)",
                     reporter_phone="0987654321")

    first = page_of(client, province.coordinator_user, case).context["page"].duplicates
    later_response = page_of(client, province.coordinator_user, case)
    later = later_response.context["page"].duplicates

    assert later == first and len(later) == 2
    assert [(d.same_phone, d.state) for d in later] == [(True, "Đã tiếp nhận"),
                                                        (False, "Đã tiếp nhận")]
    html = later_response.content.decode()
    for duplicate in later:
        assert f"{duplicate.code}</a> {duplicate.title}" in html


def checked(case) -> bool:
    return Case.objects.get(pk=case.pk).duplicates_checked_at is not None


def test_the_beat_looks_for_a_new_cases_duplicates_before_the_coordinator_opens_it(client,
                                                                                  province):
    earlier = province.receive(now=MONDAY - timedelta(days=2), title="Cống thoát nước nghẹt")
    case = province.receive(title=TITLE)
    assert not checked(case)

    assert find_duplicates_task.apply().get() == 2  # both were new to the coordinator

    assert checked(case)
    # The opening reads what the beat found (its ceiling: tests/performance/test_case_page.py)
    assert duplicate_codes(page_of(client, province.coordinator_user, case)) == [
        earlier.display_code]
    assert find_waiting_duplicates(MONDAY) == 0


def test_a_case_opened_before_the_beat_came_is_searched_on_that_opening(client, province):
    earlier = province.receive(now=MONDAY - timedelta(days=2), title="Cống thoát nước nghẹt")
    case = province.receive(title=TITLE)

    assert duplicate_codes(page_of(client, province.coordinator_user, case)) == [
        earlier.display_code]

    assert checked(case)  # the beat will not search it again
    assert duplicate_codes(page_of(client, province.coordinator_user, case)) == [
        earlier.display_code]
    assert find_waiting_duplicates(MONDAY) == 1  # only the earlier case was left


def test_the_beat_takes_the_newest_cases_first_a_bounded_number_each_run(province):
    oldest, older, newest = (province.receive(now=MONDAY + timedelta(hours=hours),
                                              reporter_phone=f"09{hours:08d}")
                             for hours in (1, 2, 3))

    assert find_waiting_duplicates(MONDAY, limit=2) == 2

    checked = dict(Case.objects.filter(pk__in=[oldest.pk, older.pk, newest.pk])
                   .values_list("pk", "duplicates_checked_at"))
    assert checked[newest.pk] and checked[older.pk] and checked[oldest.pk] is None
    assert find_waiting_duplicates(MONDAY, limit=2) == 1
    assert find_waiting_duplicates(MONDAY, limit=2) == 0


def test_the_beat_leaves_cases_that_left_the_coordinators_hands(province):
    case = drive.assigned(province, MONDAY, units=[province.roads])
    Case.objects.filter(pk=case.pk).update(duplicates_checked_at=None)

    assert find_waiting_duplicates(MONDAY) == 0  # a unit holds it: not the intake's work


def test_the_beat_looks_for_duplicates_every_minute():
    entry = app.conf.beat_schedule["find-duplicates"]
    assert entry["task"] == find_duplicates_task.name
    assert entry["schedule"] == 60.0


def test_the_log_read_with_the_case_is_the_log_read_on_its_own(province):
    case = drive.assigned(province, MONDAY, units=[province.roads, province.power])
    for unit, staff in ((province.roads, province.roads_staff),
                        (province.power, province.power_staff)):
        services.accept_assignment(assignment_id=drive.assignment_of(case, unit).pk,
                                   actor=staff, now=MONDAY + 3 * drive.STEP)
    for actor in (province.coordinator, province.supervisor, province.roads_staff,
                  province.power_staff):
        with_case = get_case_for(actor, case.pk, **page_lists(actor))
        on_its_own = case_events(actor, Case.objects.get(pk=case.pk))
        assert case_events(actor, with_case) == on_its_own
    # Each unit reads its own acceptance, not the other's.
    roads_log = case_events(province.roads_staff, Case.objects.get(pk=case.pk))
    everything = case_events(province.coordinator, Case.objects.get(pk=case.pk))
    assert len(roads_log) == len(everything) - 1
    assert [row[3] for row in everything].count("roads-staff") == 1
    assert [row[3] for row in roads_log].count("power-staff") == 0
