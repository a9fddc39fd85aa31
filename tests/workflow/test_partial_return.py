"""A unit returns its share while another unit handles the case (Art. 8.2b): the other
unit's reply is published without a sham re-dispatch, or the returned share alone is
re-routed."""

import pytest
from django.urls import reverse

from tests.conftest import MONDAY
from tests.workflow import drive
from tests.workflow.acting import case_url, post, reload, text
from workflow import services
from workflow.errors import TransitionRefused
from workflow.models import Assignment, Case, CaseEvent

pytestmark = pytest.mark.django_db
STEP = drive.STEP


def _roads_approved_after_power_returned(p) -> Case:
    case = drive.assigned(p, MONDAY, units=[p.roads, p.power])
    services.return_assignment(assignment_id=drive.assignment_of(case, p.power).pk,
                               reason="Không thuộc thẩm quyền.", actor=p.power_staff,
                               now=MONDAY + 3 * STEP)
    roads = drive.assignment_of(case, p.roads)
    services.accept_assignment(assignment_id=roads.pk, actor=p.roads_staff, now=MONDAY + 4 * STEP)
    services.submit_draft(assignment_id=roads.pk, actor=p.roads_staff, now=MONDAY + 5 * STEP,
                          body="Đã thay ba bóng đèn.")
    services.approve_assignment(assignment_id=roads.pk, actor=p.roads_leader,
                                now=MONDAY + 6 * STEP)
    return reload(case)


def test_a_case_one_unit_returned_waits_for_publication_once_the_other_unit_approved(province):
    case = _roads_approved_after_power_returned(province)
    assert case.state == Case.State.APPROVED


def test_the_coordinator_publishes_the_remaining_units_reply_from_the_case_page(client, province):
    case = _roads_approved_after_power_returned(province)
    response = post(client, province.coordinator_user, "publish", case.pk,
                    {"visibility": "public", "reply_text": "Đã thay ba bóng đèn."})
    assert response.status_code == 302
    assert reload(case).state == Case.State.PUBLISHED
    answer = text(client.get(reverse("publishing:answer", args=[case.pk])))
    assert "Đã thay ba bóng đèn." in answer and province.roads.name in answer


def test_publishing_after_a_partial_return_logs_one_dispatch_before_the_approval(province):
    case = _roads_approved_after_power_returned(province)
    services.publish_case(case_id=case.pk, visibility="public", reply_text="Đã thay.",
                          actor=province.coordinator, now=MONDAY + 7 * STEP)
    kinds = list(case.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds.count(CaseEvent.Kind.DISPATCHED) == 1
    assert kinds.index(CaseEvent.Kind.DISPATCHED) < kinds.index(CaseEvent.Kind.MARK_APPROVED)


def test_the_coordinator_re_routes_only_the_returned_share(client, province):
    case = _roads_approved_after_power_returned(province)
    client.force_login(province.coordinator_user)
    dispatch_url = reverse("staff:dispatch", args=[case.pk])
    assert f'action="{dispatch_url}"' in text(client.get(case_url(case)))
    response = post(client, province.coordinator_user, "dispatch", case.pk,
                    {"units": [province.other.pk]})
    assert response.status_code == 302
    shares = dict(case.assignments.values_list("unit__code", "state"))
    assert shares == {"roads": Assignment.State.APPROVED, "power": Assignment.State.RETURNED,
                      "chau-thanh": Assignment.State.PENDING}
    assert reload(case).state == Case.State.ASSIGNED


def test_a_case_no_unit_returned_cannot_be_re_dispatched_while_units_work(client, province):
    case = drive.assigned(province, MONDAY, units=[province.roads])
    client.force_login(province.coordinator_user)
    dispatch_url = reverse("staff:dispatch", args=[case.pk])
    assert f'action="{dispatch_url}"' not in text(client.get(case_url(case)))
    with pytest.raises(TransitionRefused):
        services.dispatch_case(case_id=case.pk, unit_ids=[province.power.pk],
                               actor=province.coordinator, now=MONDAY + 3 * STEP)


def test_a_case_every_unit_returned_goes_back_to_the_coordinator(province):
    case = drive.assigned(province, MONDAY, units=[province.roads, province.power])
    for unit, staff in ((province.roads, province.roads_staff),
                        (province.power, province.power_staff)):
        services.return_assignment(assignment_id=drive.assignment_of(case, unit).pk,
                                   reason="Không thuộc thẩm quyền.", actor=staff,
                                   now=MONDAY + 3 * STEP)
    assert reload(case).state == Case.State.CLASSIFIED
