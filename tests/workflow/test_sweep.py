"""The deadline sweep: reminders at 75 %, overdue marks once, charged to the right unit."""

import threading

import pytest
from django.db import connection

from tests.conftest import at
from tests.workflow import drive
from workflow.models import CaseEvent, DeadlineAlert, OutboxMessage
from workflow.sweep import sweep_deadlines


def _alerts():
    return sorted(DeadlineAlert.objects.values_list("kind", "unit__code", "stage"))


@pytest.mark.django_db
def test_the_coordinator_is_reminded_when_three_quarters_of_the_intake_window_have_passed(
    province,
):
    case = province.receive(now=at(2026, 3, 2, 8, 0))  # due 14:00; 75 % is 180 min: 11:00
    assert case.remind_at == at(2026, 3, 2, 11, 0)
    assert sweep_deadlines(now=at(2026, 3, 2, 10, 59)).reminders == 0
    result = sweep_deadlines(now=at(2026, 3, 2, 11, 0))
    assert (result.reminders, result.overdue) == (1, 0)
    assert _alerts() == [("reminder", None, "received")]
    reminders = OutboxMessage.objects.filter(template="staff_reminder")
    assert list(reminders.values_list("recipient_user__username", flat=True)) == ["coord"]


@pytest.mark.django_db
def test_an_overdue_case_is_marked_once_and_logged(province):
    case = province.receive(now=at(2026, 3, 2, 8, 0))
    first = sweep_deadlines(now=at(2026, 3, 2, 14, 1))
    second = sweep_deadlines(now=at(2026, 3, 2, 14, 2))
    case.refresh_from_db()
    assert (first.reminders, first.overdue) == (1, 1)
    assert (second.reminders, second.overdue) == (0, 0)
    assert case.overdue_at == at(2026, 3, 2, 14, 1)
    assert CaseEvent.objects.filter(case=case, kind="overdue").count() == 1
    assert OutboxMessage.objects.filter(template="staff_overdue").count() == 1


@pytest.mark.django_db
def test_an_overdue_assignment_is_charged_to_its_unit_and_told_to_unit_and_coordinator(province):
    assignment = drive.processing(province, at(2026, 3, 2, 8, 0))
    assert assignment.due_at == at(2026, 3, 10, 17, 0)
    sweep_deadlines(now=at(2026, 3, 11, 7, 0))
    alert = DeadlineAlert.objects.get(kind="overdue", assignment=assignment)
    assert alert.unit == province.roads
    recipients = set(OutboxMessage.objects.filter(template="staff_overdue")
                     .values_list("recipient_user__username", flat=True))
    assert recipients == {"roads-staff", "roads-leader", "coord"}


@pytest.mark.django_db
def test_a_new_stage_gets_its_own_reminder_and_overdue_mark(province):
    from workflow import services

    case = drive.assigned(province, at(2026, 3, 2, 8, 0))  # the unit has until Tue 17:00
    assignment = drive.assignment_of(case, province.roads)
    sweep_deadlines(now=at(2026, 3, 3, 17, 1))
    services.accept_assignment(assignment_id=assignment.pk, actor=province.roads_staff,
                               now=at(2026, 3, 3, 17, 5))
    sweep_deadlines(now=at(2026, 3, 3, 17, 6))  # the new window is not due: nothing more
    assert _alerts() == [("overdue", "roads", "pending"), ("reminder", "roads", "pending")]
    sweep_deadlines(now=at(2026, 3, 12, 7, 0))
    assert _alerts() == [
        ("overdue", "roads", "pending"), ("overdue", "roads", "processing"),
        ("reminder", "roads", "pending"), ("reminder", "roads", "processing"),
    ]


@pytest.mark.django_db
def test_nothing_is_swept_for_a_finished_stage(province):
    case = drive.published(province, at(2026, 3, 2, 8, 0))
    result = sweep_deadlines(now=at(2026, 12, 31, 17, 0))
    assert (result.reminders, result.overdue) == (0, 0)
    assert not DeadlineAlert.objects.filter(case=case).exists()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_act_once(province):
    for _ in range(30):
        drive.processing(province, at(2026, 3, 2, 8, 0))
    barrier = threading.Barrier(2)
    results = []

    def sweep():
        barrier.wait()
        try:
            results.append(sweep_deadlines(now=at(2026, 3, 11, 7, 0), batch=7))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.overdue for r in results) == 30
    assert DeadlineAlert.objects.filter(kind="overdue").count() == 30
    assert CaseEvent.objects.filter(kind="overdue").count() == 30
    keys = list(OutboxMessage.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))
