"""The append-only logs cannot be emptied at once either (SECURITY AU2): TRUNCATE, named or
reached through a CASCADE, is refused; only `manage.py flush` (and so the test database's
flush between transactional tests) and the maintenance path that says so may empty them."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from routing.audit import permit_emptying_logs, record
from routing.models import AuditEvent
from workflow.models import CaseEvent

LOGS = ["routing_auditevent", "workflow_caseevent"]


def count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a constant name
        return cursor.fetchone()[0]


def truncate(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        # The test's rows wait for their deferred foreign-key checks, which TRUNCATE would
        # refuse for a reason of its own: check them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)


@pytest.mark.parametrize("table", LOGS)
def test_the_database_refuses_to_truncate_an_append_only_log(province, table):
    province.receive()
    record(AuditEvent.Action.EXPORT)
    before = count(table)
    with pytest.raises(DatabaseError, match="append-only"):
        truncate(f"TRUNCATE {table} CASCADE")
    assert count(table) == before > 0


@pytest.mark.parametrize("table", LOGS)
def test_a_cascade_from_the_users_cannot_empty_an_append_only_log_either(province, table):
    province.receive(by=province.coordinator)
    record(AuditEvent.Action.EXPORT, actor=province.coordinator_user)
    before = count(table)
    with pytest.raises(DatabaseError, match="append-only"):
        truncate("TRUNCATE auth_user CASCADE")
    assert count(table) == before > 0


@pytest.mark.django_db(transaction=True)
def test_the_maintenance_path_may_empty_the_logs_in_its_own_transaction(province):
    province.receive()
    record(AuditEvent.Action.EXPORT)
    with transaction.atomic(), connection.cursor() as cursor:
        permit_emptying_logs(connection)
        cursor.execute("TRUNCATE routing_auditevent, workflow_caseevent CASCADE")
    assert count("routing_auditevent") == count("workflow_caseevent") == 0
    # The permission ended with its transaction.
    record(AuditEvent.Action.EXPORT)
    with pytest.raises(DatabaseError, match="append-only"):
        truncate("TRUNCATE routing_auditevent")


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_database_and_leaves_the_guard_on():
    # A transactional test: pytest-django flushes the database after it as well.
    record(AuditEvent.Action.EXPORT)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists() and not CaseEvent.objects.exists()
    record(AuditEvent.Action.EXPORT)
    with pytest.raises(DatabaseError, match="append-only"):
        truncate("TRUNCATE routing_auditevent")
    assert AuditEvent.objects.count() == 1
