"""What the staff pages call things (issue 18, observations 4 and 9): the reports in every
navigation that may open them, messages by their human names, people by their names,
categories in the reader's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from routing.models import Membership
from tests.conftest import MONDAY
from tests.factories import UserFactory, member
from tests.workflow import drive
from tests.workflow.acting import case_url, english, text
from workflow.notifications.defaults import TEMPLATE_KEYS

pytestmark = pytest.mark.django_db

HOME = reverse("staff:home")
REPORTS = reverse("reports:dashboard")


def home_page(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return text(response)


# --- Navigation ------------------------------------------------------------------------------
def test_every_role_that_may_open_the_reports_finds_them_in_its_navigation(client, province):
    administrator = UserFactory(username="admin", is_superuser=True, is_staff=True)
    member(province.roads, Membership.Role.STAFF, username="admin-also-staff")
    for user in (province.coordinator_user, province.supervisor_user,
                 province.roads_leader_user, administrator):
        assert f'href="{REPORTS}"' in home_page(client, user), user.username
        assert client.get(REPORTS).status_code == 200, user.username


def test_unit_staff_who_may_not_open_the_reports_are_not_shown_the_link(client, province):
    assert f'href="{REPORTS}"' not in home_page(client, province.roads_staff_user)
    assert client.get(REPORTS).status_code == 403


def test_the_reports_page_carries_the_same_navigation_with_itself_marked(client, province):
    client.force_login(province.supervisor_user)
    page = text(client.get(REPORTS))
    assert f'href="{REPORTS}" aria-current="page"' in page
    assert f'href="{HOME}"' in page


# --- Message kinds ---------------------------------------------------------------------------
def test_every_message_kind_has_a_human_name_in_both_languages():
    from workflow.notifications.labels import message_label

    for key in TEMPLATE_KEYS:
        with translation.override("en"):
            english_name = str(message_label(key))
        with translation.override("vi"):
            vietnamese_name = str(message_label(key))
        assert "_" not in english_name and english_name != key, key
        assert vietnamese_name != english_name, key


def test_the_case_page_names_its_messages_instead_of_showing_their_keys(client, province):
    case = drive.assigned(province, MONDAY)
    client.force_login(province.coordinator_user)
    english(client)
    page = text(client.get(case_url(case)))
    assert "Receipt confirmation to the reporter" in page
    assert "New case for the unit" in page
    for key in ("case_received", "staff_case_received", "staff_case_dispatched",
                "case_dispatched"):
        assert key not in page


# --- People's names --------------------------------------------------------------------------
def test_the_case_log_names_people_by_their_full_names(client, province):
    province.coordinator_user.last_name = "Trần Thị"
    province.coordinator_user.first_name = "Bình"
    province.coordinator_user.save()
    case = drive.assigned(province, MONDAY)
    client.force_login(province.supervisor_user)
    page = text(client.get(case_url(case)))
    assert "<td>Trần Thị Bình</td>" in page
    assert "<td>coord</td>" not in page


def test_someone_without_a_name_on_file_is_shown_by_their_user_name(client, province):
    case = drive.assigned(province, MONDAY)
    client.force_login(province.supervisor_user)
    assert "<td>coord</td>" in text(client.get(case_url(case)))


# --- Category names --------------------------------------------------------------------------
def test_the_staff_filter_lists_name_categories_in_english_when_english_is_chosen(
        client, province):
    province.permits.name_en = "Administrative procedures"
    province.permits.save()
    client.force_login(province.coordinator_user)
    english(client)
    page = text(client.get(HOME))
    assert ">Administrative procedures</option>" in page
    assert ">Thủ tục hành chính</option>" not in page
    client.cookies.pop("django_language", None)
    vietnamese = text(client.get(HOME, headers={"accept-language": "vi"}))
    assert ">Thủ tục hành chính</option>" in vietnamese


def test_a_category_without_an_english_name_keeps_its_own(client, province):
    client.force_login(province.coordinator_user)
    english(client)
    assert ">Chiếu sáng công cộng</option>" in text(client.get(HOME))
