"""Every transition and every other event of a case is audited with who, when, the address
it came from, what, and the outcome (SECURITY AU1); a deadline change carries both dates."""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from routing.models import AuditEvent
from tests.conftest import MONDAY
from tests.workflow import drive
from workflow import services
from workflow.services import close_of_business


def case_events(case) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.CASE_EVENT,
                                          object_type="workflow.case", object_id=str(case.pk))
                .order_by("pk"))


def test_a_transition_made_on_a_page_is_audited_with_the_address(client, province):
    case = province.receive()
    client.force_login(province.coordinator_user)
    response = client.post(reverse("staff:classify", args=[case.pk]),
                           {"category": province.permits.pk}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    event = case_events(case)[-1]
    assert (event.actor, event.ip, event.outcome) == (province.coordinator_user,
                                                      "198.51.100.7", "ok")
    assert event.detail == {"event": "classified", "from_state": "received",
                            "to_state": "classified",
                            "data": {"category": province.permits.pk, "area": None}}


def test_a_deadline_extension_is_audited_with_the_old_and_new_deadlines(client, province):
    assignment = drive.processing(province, timezone.now())
    previous = assignment.due_at
    new_day = (previous + timedelta(days=10)).date()
    client.force_login(province.roads_staff_user)
    response = client.post(reverse("staff:extend", args=[assignment.pk]),
                           {"reason": "Chờ vật tư thay thế.",
                            "expected_date": new_day.isoformat()},
                           REMOTE_ADDR="2001:db8::7")
    assert response.status_code == 302
    event = case_events(assignment.case)[-1]
    assert (event.actor, event.ip) == (province.roads_staff_user, "2001:db8::7")
    assert event.detail["event"] == "extended"
    assert event.detail["assignment_id"] == assignment.pk
    dates = {key: datetime.fromisoformat(value) for key, value in event.detail["data"].items()}
    assert dates == {"previous_due_at": previous, "new_due_at": close_of_business(new_day)}
    # The reason is the unit's own text: it stays in the case's log, not in the audit.
    assert "Chờ vật tư" not in str(event.detail)


def test_every_step_of_a_case_is_audited_once_and_in_order(province):
    case = drive.approved(province, MONDAY)
    audited = [e.detail["event"] for e in case_events(case)]
    assert audited == list(case.events.order_by("at", "pk").values_list("kind", flat=True))


def test_a_service_run_outside_a_request_records_its_actor_and_no_address(province):
    case = drive.classified(province, MONDAY)
    services.dispatch_case(case_id=case.pk, unit_ids=[province.roads.pk],
                           actor=province.coordinator, now=MONDAY + timedelta(hours=1))
    event = case_events(case)[-1]
    assert (event.detail["event"], event.actor, event.ip) == (
        "dispatched", province.coordinator_user, None)
    assert event.detail["data"] == {"units": [province.roads.pk]}
