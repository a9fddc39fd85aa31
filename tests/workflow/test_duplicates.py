"""The coordinator answers a possible duplicate on the case page: closes the new case as a
duplicate of one being handled (its reporter is told the original's code, and told again
when the original is answered) or dismisses the suggestion."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.statistics import Period, Scope, summary
from routing.models import AuditEvent
from tests.conftest import MONDAY
from tests.workflow import drive
from workflow import services
from workflow.models import Case, CaseEvent, OutboxMessage
from workflow.notifications.delivery import Outcome, deliver_message

pytestmark = pytest.mark.django_db
SMS = OutboxMessage.Channel.SMS
LATER = MONDAY + timedelta(days=1)
OTHER_PHONE = {"reporter_phone": "0987654321", "reporter_email": "b@example.vn"}


def page_of(client, user, case):
    client.force_login(user)
    response = client.get(reverse("staff:case", args=[case.pk]))
    assert response.status_code == 200
    return response


def listed(client, user, case) -> list[int]:
    return [d.pk for d in page_of(client, user, case).context["page"].duplicates]


def close(client, user, case, original):
    client.force_login(user)
    return client.post(reverse("staff:close_duplicate", args=[case.pk]),
                       {"original": original.pk})


def dismiss(client, user, case, other):
    client.force_login(user)
    return client.post(reverse("staff:dismiss_duplicate", args=[case.pk]), {"other": other.pk})


def reporter_sms(gateway, case, template) -> str:
    [row] = OutboxMessage.objects.filter(case=case, to_reporter=True, channel=SMS,
                                         template=template)
    # The page's actions happen now, the services' at the test's times: deliver after both.
    at = max(LATER, timezone.now()) + timedelta(hours=1)
    assert deliver_message(row.pk, at) == Outcome.SENT
    row.refresh_from_db()
    [request] = gateway.carrying(row.reference)
    return request["body"]["Content"]


@pytest.fixture
def pair(province):
    """A report the units are handling, and the same report sent again by someone else."""
    original = drive.assigned(province, MONDAY, **OTHER_PHONE)
    again = province.receive(now=MONDAY + timedelta(hours=3))
    return original, again


def test_the_panel_offers_to_close_a_new_case_as_a_duplicate_of_a_listed_one(client, province,
                                                                             pair):
    original, again = pair
    html = page_of(client, province.coordinator_user, again).content.decode()
    assert reverse("staff:close_duplicate", args=[again.pk]) in html
    assert f'name="original" value="{original.pk}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_closing_a_case_as_a_duplicate_tells_its_reporter_the_originals_code(
        client, province, pair, gateway):
    original, again = pair
    response = close(client, province.coordinator_user, again, original)

    assert response.status_code == 302
    again.refresh_from_db()
    assert (again.state, again.duplicate_of_id, again.due_at) == (
        Case.State.DUPLICATE, original.pk, None)
    event = again.events.get(kind=CaseEvent.Kind.CLOSED_AS_DUPLICATE)
    assert (event.from_state, event.to_state, event.actor_id) == (
        "received", "duplicate", province.coordinator_user.pk)
    assert AuditEvent.objects.filter(detail__event="closed_as_duplicate").count() == 1
    sms = reporter_sms(gateway, again, "case_duplicate")
    assert again.display_code in sms and original.display_code in sms
    # The duplicate leaves the coordinator's queue: nothing is left to do on it.
    assert again.pk not in Case.objects.filter(
        state__in=Case.COORDINATOR_STATES).values_list("pk", flat=True)


def test_the_duplicates_reporter_is_told_again_with_the_answers_link_when_it_is_published(
        client, province, gateway):
    original = drive.approved(province, MONDAY, **OTHER_PHONE)
    again = province.receive(now=MONDAY + timedelta(hours=3))
    assert close(client, province.coordinator_user, again, original).status_code == 302

    services.publish_case(case_id=original.pk, visibility="public", reply_text="Đã thay bóng.",
                          actor=province.coordinator, now=LATER)

    sms = reporter_sms(gateway, again, "duplicate_answered")
    assert original.display_code in sms
    assert reverse("publishing:answer", args=[original.pk]) in sms
    # The original's own reporter hears of it as ever, once.
    assert OutboxMessage.objects.filter(case=original, template="reply_published",
                                        channel=SMS).count() == 1


def test_a_reply_that_is_not_public_reaches_a_duplicates_reporter_without_a_link(
        client, province, gateway):
    original = drive.approved(province, MONDAY, **OTHER_PHONE)
    again = province.receive(now=MONDAY + timedelta(hours=3))
    close(client, province.coordinator_user, again, original)

    services.publish_case(case_id=original.pk, visibility="confidential",
                          reply_text="Trả lời riêng.", actor=province.coordinator, now=LATER)

    sms = reporter_sms(gateway, again, "duplicate_answered_offline")
    assert original.display_code in sms
    assert "/tra-loi/" not in sms


def test_a_case_the_units_already_have_cannot_be_closed_as_a_duplicate(client, province, pair):
    original, _again = pair
    dispatched = drive.assigned(province, MONDAY + timedelta(hours=4))

    response = close(client, province.coordinator_user, dispatched, original)

    assert response.status_code == 409
    assert Case.objects.get(pk=dispatched.pk).state == Case.State.ASSIGNED


def test_an_original_not_yet_dispatched_is_refused_with_the_reason(client, province):
    first = province.receive(**OTHER_PHONE)
    again = province.receive(now=MONDAY + timedelta(hours=1))

    response = close(client, province.coordinator_user, again, first)

    assert response.status_code == 400
    # In the page's language (Vietnamese): "Dispatch the original case first: …"
    assert response.context["page"].error.startswith("Hãy chuyển xử lý phản ánh gốc trước")
    assert Case.objects.get(pk=again.pk).state == Case.State.RECEIVED
    assert not OutboxMessage.objects.filter(case=again, template="case_duplicate").exists()


def test_an_original_with_duplicates_cannot_be_rejected_after_a_unit_returns_it(province, pair):
    original, again = pair
    services.close_as_duplicate(case_id=again.pk, original_id=original.pk,
                                actor=province.coordinator, now=LATER)
    services.return_assignment(assignment_id=drive.assignment_of(original, province.roads).pk,
                               reason="Không thuộc thẩm quyền", actor=province.roads_staff,
                               now=LATER)
    assert Case.objects.get(pk=original.pk).state == Case.State.CLASSIFIED
    with pytest.raises(ValidationError):
        services.reject_case(case_id=original.pk, reason="dispute", actor=province.coordinator,
                             now=LATER)
    assert Case.objects.get(pk=original.pk).state == Case.State.CLASSIFIED


def test_only_the_coordinator_closes_or_dismisses_and_a_unit_gets_403(client, province, pair):
    original, again = pair
    # The roads unit holds the original: its page is theirs, the actions are not.
    assert close(client, province.roads_staff_user, original, again).status_code == 403
    assert dismiss(client, province.roads_staff_user, original, again).status_code == 403
    # The new case is not the unit's at all.
    assert close(client, province.roads_staff_user, again, original).status_code == 404
    assert Case.objects.get(pk=again.pk).state == Case.State.RECEIVED


def test_the_forms_need_the_csrf_token(province, pair):
    original, again = pair
    browser = Client(enforce_csrf_checks=True)
    assert close(browser, province.coordinator_user, again, original).status_code == 403
    assert dismiss(browser, province.coordinator_user, again, original).status_code == 403
    assert Case.objects.get(pk=again.pk).state == Case.State.RECEIVED


def test_a_dismissed_suggestion_is_listed_on_neither_case(client, province, pair):
    original, again = pair
    assert listed(client, province.coordinator_user, again) == [original.pk]

    response = dismiss(client, province.coordinator_user, again, original)

    assert response.status_code == 302
    assert listed(client, province.coordinator_user, again) == []
    assert listed(client, province.coordinator_user, original) == []
    assert again.events.filter(kind=CaseEvent.Kind.DUPLICATE_DISMISSED).count() == 1
    # Twice is refused, with the reason, and logs nothing more.
    assert dismiss(client, province.coordinator_user, again, original).status_code == 409
    assert again.events.filter(kind=CaseEvent.Kind.DUPLICATE_DISMISSED).count() == 1


def test_a_duplicate_counts_as_received_but_never_as_open_handled_or_published(province):
    original = drive.published(province, MONDAY, **OTHER_PHONE)
    again = province.receive(now=MONDAY + timedelta(hours=3))
    # The original is published: still the case that answers the duplicate.
    services.close_as_duplicate(case_id=again.pk, original_id=original.pk,
                                actor=province.coordinator, now=LATER)

    s = summary(Period.parse("2026-03", calendar=True), Scope())

    assert (s.received, s.open, s.published, s.handled, s.rejected) == (2, 0, 1, 1, 0)
    # Already answered: the duplicate's reporter was sent the answer at once.
    assert OutboxMessage.objects.filter(case=again, template="duplicate_answered").exists()
