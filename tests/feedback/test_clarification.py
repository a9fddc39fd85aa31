"""Clarification (Art. 11.1–11.2): the reporter's question after the result reaches the
coordinator and every unit that handled the case, and their answer reaches the reporter."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import MONDAY
from tests.feedback.support import TRACKED, track
from tests.workflow import drive
from tests.workflow.acting import HOME, case_url, english, text
from workflow import services
from workflow.models import OutboxMessage

pytestmark = pytest.mark.django_db

QUESTION = "Khi nào đèn <b>sáng</b> lại?"
ANSWER = "Đèn sẽ sáng lại trước thứ Sáu."


@pytest.fixture(autouse=True)
def english_reporter(client):
    english(client)


def staff_client(user) -> Client:
    staff = Client()
    english(staff)
    staff.force_login(user)
    return staff


def asked(client, province, visibility="public", **kwargs):
    """A published case, and the reporter's question about it from the tracked page."""
    case = drive.approved(province, MONDAY, **kwargs)
    services.publish_case(case_id=case.pk, visibility=visibility, reply_text="Đã thay bóng.",
                          actor=province.coordinator, now=MONDAY + timedelta(hours=2))
    track(client, case.tracking_code, "0912345678")
    response = client.post(reverse("public:comment"), {"body": QUESTION})
    assert response.status_code == 302
    return case


def answer(user, case, body=ANSWER):
    return staff_client(user).post(reverse("staff:clarify", args=[case.pk]), {"body": body})


def test_the_question_shows_on_the_case_page_of_the_coordinator_and_the_handling_unit(
        client, province):
    case = asked(client, province)
    for user in (province.coordinator_user, province.roads_staff_user):
        page = text(staff_client(user).get(case_url(case)))
        assert QUESTION in page
        assert "Question from the reporter" in page


def test_the_question_marks_the_case_in_the_coordinators_and_the_units_queues(
        client, province):
    case = asked(client, province)
    for user in (province.coordinator_user, province.roads_staff_user):
        home = text(staff_client(user).get(HOME))
        assert case.display_code in home
        assert "Question waiting" in home


def test_the_question_notifies_the_coordinator_and_the_handling_units_staff(client, province):
    case = asked(client, province)
    told = set(OutboxMessage.objects.filter(case=case, template="staff_clarification_asked")
               .values_list("recipient_user__username", flat=True))
    assert {"coord", "roads-staff"} <= told
    assert "power-staff" not in told


def test_the_unit_answers_and_the_reporter_reads_it_without_staff_names(client, province):
    case = asked(client, province)
    response = answer(province.roads_staff_user, case)
    assert response.status_code == 302
    page = text(client.get(TRACKED))
    assert ANSWER in page
    assert province.roads.name in page
    assert "roads-staff" not in page
    sent = set(OutboxMessage.objects.filter(case=case, to_reporter=True,
                                            template="clarification_answered")
               .values_list("channel", flat=True))
    assert sent == {OutboxMessage.Channel.SMS, OutboxMessage.Channel.EMAIL}


def test_an_answered_question_no_longer_marks_the_queue(client, province):
    case = asked(client, province)
    answer(province.coordinator_user, case)
    home = text(staff_client(province.roads_staff_user).get(HOME))
    assert "Question waiting" not in home
    assert ANSWER in text(client.get(TRACKED))


def test_a_unit_that_did_not_handle_the_case_cannot_answer(client, province):
    case = asked(client, province)
    assert answer(province.power_staff_user, case).status_code == 404
    assert answer(province.supervisor_user, case).status_code == 403
    assert ANSWER not in text(client.get(TRACKED))


def test_with_no_question_waiting_an_answer_is_refused(client, province):
    case = drive.published(province, MONDAY)
    response = answer(province.roads_staff_user, case)
    assert response.status_code == 409
    assert "No question from the reporter is waiting for an answer." in text(response)


def test_a_unit_sees_the_question_of_a_confidential_case_without_the_reporter(
        client, province):
    case = asked(client, province, visibility="confidential", is_confidential=True)
    page = text(staff_client(province.roads_staff_user).get(case_url(case)))
    assert QUESTION in page
    assert "Nguyễn Văn An" not in page
    assert "0912345678" not in page


def test_the_question_and_its_answer_stay_off_the_public_case_page(client, province):
    case = asked(client, province)
    answer(province.roads_staff_user, case)
    public = Client().get(reverse("publishing:answer", args=[case.pk]))
    assert public.status_code == 200
    public = text(public)
    assert QUESTION not in public
    assert ANSWER not in public
