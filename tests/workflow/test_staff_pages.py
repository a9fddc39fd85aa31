"""The read-only staff pages: each role's queue, the case page, who sees what (AC1, DP3, IN1)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.conftest import MONDAY, at
from tests.workflow import drive, listed
from workflow import services
from workflow.models import Assignment, Case
from workflow.templatetags.staff import duration_hm
from workflow.views import lists

HOME = reverse("staff:home")


def case_url(case) -> str:
    return reverse("staff:case", args=[case.pk])


def page(client, user, url: str = HOME, **headers) -> str:
    client.force_login(user)
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def make_received(p, n: int) -> None:
    for i in range(n):
        p.receive(title=f"Phản ánh số {i}")


# --- Each role lands on its own queue ----------------------------------------------------------
def test_the_coordinator_sees_a_received_case_in_the_queue(client, province):
    case = province.receive(title="Ổ gà trên quốc lộ 22")
    html = page(client, province.coordinator_user)
    assert case.display_code in html
    assert "Ổ gà trên quốc lộ 22" in html
    assert case_url(case) in html


def test_unit_staff_see_their_units_cases_and_not_another_units(client, province):
    roads_case = drive.assigned(province, MONDAY, title="Mặt đường sụt lún",
                                units=[province.roads])
    power_case = drive.assigned(province, MONDAY, title="Mất điện khu phố 3",
                                units=[province.power])
    html = page(client, province.roads_staff_user)
    assert roads_case.display_code in html
    assert "Mặt đường sụt lún" in html
    assert power_case.display_code not in html
    assert "Mất điện khu phố 3" not in html


def test_a_leader_sees_the_draft_waiting_for_approval_in_the_approval_queue(client, province):
    assignment = drive.awaiting_approval(province, MONDAY, title="Cây đổ chắn đường")
    client.force_login(province.roads_leader_user)
    html = client.get(HOME).content.decode()
    assert listed.codes(html, "approval") == [assignment.case.display_code]
    assert "Cây đổ chắn đường" in html


def test_unit_staff_have_no_approval_queue(client, province):
    drive.awaiting_approval(province, MONDAY)
    client.force_login(province.roads_staff_user)
    assert list(listed.queues(client.get(HOME).content.decode())) == ["inbox"]


def test_the_supervisor_sees_cases_but_not_a_state_secret(client, province):
    ordinary = province.receive(title="Rác thải ven kênh")
    secret = province.receive(title="Vụ việc mật số 7")
    services.classify_case(case_id=secret.pk, category=province.permits,
                           actor=province.coordinator, now=MONDAY, is_state_secret=True)
    html = page(client, province.supervisor_user)
    assert ordinary.display_code in html
    assert "Rác thải ven kênh" in html
    assert secret.display_code not in html
    assert "Vụ việc mật số 7" not in html


def test_the_supervisor_gets_404_on_a_state_secret_case(client, province):
    secret = province.receive()
    services.classify_case(case_id=secret.pk, category=province.permits,
                           actor=province.coordinator, now=MONDAY, is_state_secret=True)
    client.force_login(province.supervisor_user)
    assert client.get(case_url(secret)).status_code == 404


def test_a_user_with_no_role_sees_a_message_and_no_case(client, province):
    from tests.factories import UserFactory

    province.receive(title="Không ai được thấy")
    client.force_login(UserFactory(username="nobody"))
    response = client.get(HOME)
    assert response.status_code == 200
    assert listed.queues(response.content.decode()) == {}
    assert "Không ai được thấy" not in response.content.decode()


# --- Access ------------------------------------------------------------------------------------
def test_a_unit_user_gets_404_on_another_units_case(client, province):
    roads_case = drive.assigned(province, MONDAY, units=[province.roads])
    client.force_login(province.power_staff_user)
    assert client.get(case_url(roads_case)).status_code == 404


def test_a_unit_user_opens_their_units_case(client, province):
    roads_case = drive.assigned(province, MONDAY, units=[province.roads])
    client.force_login(province.roads_staff_user)
    assert client.get(case_url(roads_case)).status_code == 200


@pytest.mark.parametrize("name", ["home", "case"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, province, name):
    case = province.receive()
    url = HOME if name == "home" else case_url(case)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('staff:login')}?next={url}"


def test_logging_out_needs_a_post(client, province):
    client.force_login(province.coordinator_user)
    assert client.get(reverse("staff:logout")).status_code == 405
    response = client.post(reverse("staff:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:login")
    assert client.get(HOME).status_code == 302


def test_a_staff_member_logs_in_and_lands_on_their_queue(client, province):
    # Unit staff log in with a password alone; coordinators add a code (tests/workflow/test_auth).
    response = client.post(
        reverse("staff:login"),
        {"username": "roads-staff", "password": "a long test password 1022"},
    )
    assert response.status_code == 302
    assert response["Location"] == HOME


# --- Reporter identity (Art. 13.8, SECURITY DP3) -----------------------------------------------
REPORTER = {
    "reporter_name": "Lê Thị Kín Đáo",
    "reporter_phone": "0987654321",
    "reporter_email": "kin.dao@example.vn",
    "reporter_address": "Số 9 hẻm Bí Mật",
}


def test_the_coordinator_sees_the_reporters_contact(client, province):
    case = drive.assigned(province, MONDAY, **REPORTER)
    html = page(client, province.coordinator_user, case_url(case))
    for value in REPORTER.values():
        assert value in html


@pytest.mark.parametrize("user", ["roads_staff_user", "roads_leader_user", "supervisor_user"])
def test_the_reporters_contact_is_hidden_from_units_and_supervisors(client, province, user):
    case = drive.assigned(province, MONDAY, **REPORTER)
    html = page(client, getattr(province, user), case_url(case))
    for value in REPORTER.values():
        assert value not in html
    assert "Lê Thị" not in html


def test_a_unit_sees_the_contact_once_the_coordinator_revealed_it(client, province):
    case = drive.assigned(province, MONDAY, **REPORTER)
    Assignment.objects.filter(case=case, unit=province.roads).update(contact_revealed=True)
    html = page(client, province.roads_staff_user, case_url(case))
    assert REPORTER["reporter_name"] in html
    assert REPORTER["reporter_phone"] in html


def test_a_reveal_to_one_unit_does_not_reach_another(client, province):
    case = drive.assigned(province, MONDAY, units=[province.roads, province.power], **REPORTER)
    Assignment.objects.filter(case=case, unit=province.roads).update(contact_revealed=True)
    html = page(client, province.power_staff_user, case_url(case))
    assert REPORTER["reporter_name"] not in html


# --- The case page -----------------------------------------------------------------------------
def test_the_case_page_shows_assignments_the_latest_draft_and_the_log(client, province):
    assignment = drive.awaiting_approval(province, MONDAY, location_text="Trước số 12 đường 30/4")
    services.approve_assignment(assignment_id=assignment.pk, actor=province.roads_leader,
                                now=MONDAY + 5 * drive.STEP, edited_body="Bản đã sửa của lãnh đạo.")
    client.force_login(province.coordinator_user)
    response = client.get(case_url(assignment.case))
    html = response.content.decode()
    page_ = response.context["page"]
    assert "Trước số 12 đường 30/4" in html
    assert province.roads.name in html
    assert [(d.unit, d.version) for d in page_.drafts] == [(province.roads.name, 2)]
    assert "Bản đã sửa của lãnh đạo." in html
    assert "Đơn vị đã thay ba bóng đèn" not in html  # the older version
    assert [e.at for e in page_.events] == sorted(e.at for e in page_.events)
    assert "roads-staff" in html and "coord" in html


def test_a_unit_does_not_read_another_units_assignment_or_draft(client, province):
    case = drive.assigned(province, MONDAY, units=[province.roads, province.power])
    roads = drive.assignment_of(case, province.roads)
    services.accept_assignment(assignment_id=roads.pk, actor=province.roads_staff,
                               now=MONDAY + 3 * drive.STEP)
    services.submit_draft(assignment_id=roads.pk, actor=province.roads_staff,
                          now=MONDAY + 4 * drive.STEP, body="Nội bộ Sở Giao thông.")
    client.force_login(province.power_staff_user)
    response = client.get(case_url(case))
    assert [a.unit for a in response.context["page"].assignments] == [province.power.name]
    assert "Nội bộ Sở Giao thông." not in response.content.decode()


# --- Escaping (SECURITY IN1) -------------------------------------------------------------------
SCRIPT = "<script>alert('x')</script>"


@pytest.mark.parametrize("where", ["queue", "case"])
def test_a_script_typed_in_a_case_is_shown_as_text(client, province, where):
    case = province.receive(title=f"Đèn {SCRIPT}", content=f"Nội dung {SCRIPT}",
                            location_text=SCRIPT)
    html = page(client, province.coordinator_user, HOME if where == "queue" else case_url(case))
    # The page's own scripts come from the static files; none is written from the case.
    tags = re.findall(r"<script[^>]*>", html)
    assert all(re.fullmatch(r'<script src="/static/[^"]+\.js"( defer)?>', tag) for tag in tags)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_the_coordinators_queue_index_holds_exactly_the_coordinators_states():
    index = next(i for i in Case._meta.indexes if i.name == "case_coordinator_queue")
    # The coordinator's states (not on hold), or a reporter's question waiting (Art. 11).
    in_states, asked = index.condition.children
    states = dict(in_states.children)["state__in"]
    assert sorted(states) == sorted(Case.COORDINATOR_STATES)
    assert asked == ("clarification_asked_at__isnull", False)


# --- Lists: filter, pages, deadlines -----------------------------------------------------------
def test_the_state_filter_narrows_the_queue(client, province):
    received = province.receive(title="Còn chờ phân loại")
    classified = drive.classified(province, MONDAY, title="Đã phân loại")
    html = page(client, province.coordinator_user, f"{HOME}?state=classified")
    assert classified.display_code in html
    assert received.display_code not in html


def test_an_unknown_state_in_the_filter_is_ignored(client, province):
    received = province.receive()
    classified = drive.classified(province, MONDAY)
    html = page(client, province.coordinator_user, f"{HOME}?state=nonsense")
    assert received.display_code in html
    assert classified.display_code in html


def test_lists_are_paginated_and_keep_the_filter(client, province, monkeypatch):
    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    make_received(province, 3)
    client.force_login(province.coordinator_user)
    first = client.get(f"{HOME}?state=received").content.decode()
    assert (listed.count(first, "coordinator"), len(listed.codes(first))) == ("3", 2)
    assert listed.next_url(first, "coordinator") == "?state=received&page=2"
    second = client.get(f"{HOME}?state=received&page=2").content.decode()
    assert len(listed.codes(second)) == 1
    assert listed.next_url(second, "coordinator") is None
    assert client.get(f"{HOME}?page=99").status_code == 200  # the last page instead


def test_a_past_deadline_shows_the_overdue_badge(client, province):
    province.receive(now=MONDAY)  # due at noon on 2 March 2026, long past
    html = page(client, province.coordinator_user)
    assert "badge--overdue" in html


def test_a_future_deadline_shows_the_working_time_left(client, province):
    province.receive(now=at(2099, 3, 2, 8, 0))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client, province.coordinator_user)
    assert "badge--overdue" not in html
    assert re.search(r'class="time-left">\d+h \d+m left<', html)


@pytest.mark.parametrize(("minutes", "shown"), [(0, "0h 0m"), (59, "0h 59m"), (245, "4h 5m"),
                                                (None, "")])
def test_working_minutes_are_shown_as_hours_and_minutes(minutes, shown):
    with translation.override("en"):
        assert duration_hm(minutes) == shown


# --- Vietnamese by default ---------------------------------------------------------------------
def test_pages_are_in_vietnamese_with_day_month_year_dates(client, province):
    province.receive(now=MONDAY)
    html = page(client, province.coordinator_user)
    assert '<html lang="vi">' in html
    assert "02/03/2026 08:00" in html


def test_the_login_page_is_in_vietnamese_by_default(client, db):
    response = client.get(reverse("staff:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Mật khẩu" in html  # Django's own catalogue already translates the field label


def test_a_unit_that_returned_a_case_can_no_longer_open_it(province, client):
    case = drive.assigned(province, MONDAY)
    services.return_assignment(assignment_id=drive.assignment_of(case, province.roads).pk,
                               reason="Không thuộc thẩm quyền", actor=province.roads_staff,
                               now=MONDAY + timedelta(hours=1))
    client.force_login(province.roads_staff_user)
    assert client.get(reverse("staff:case", args=[case.pk])).status_code == 404


def test_the_header_names_the_person_family_name_first(province, client):
    user = province.coordinator_user
    user.first_name, user.last_name = "Hà", "Trần Thị Thu"
    user.save()
    client.force_login(user)
    assert "Trần Thị Thu Hà" in client.get(reverse("staff:home")).content.decode()
