"""PostgreSQL keeps the statements a connection repeats prepared (config/settings.py)."""

import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection

from workflow.models import Case


def prepared_case_reads() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [sql for (sql,) in cursor.fetchall() if Case._meta.db_table in sql]


def read_case_by_key(times: int) -> None:
    for pk in range(1, times + 1):
        list(Case.objects.filter(pk=pk).values_list("tracking_code", flat=True))


@pytest.mark.django_db
def test_a_statement_is_prepared_once_the_connection_has_run_it_five_times():
    read_case_by_key(4)
    assert prepared_case_reads() == []

    read_case_by_key(6)

    assert len(prepared_case_reads()) == 1  # one statement, whatever key it was given


TUNING = ("DATABASE_SERVER_SIDE_BINDING", "DATABASE_PREPARE_THRESHOLD")


def settings_in_a_fresh_process(**env: str) -> str:
    """The database OPTIONS as a new process reads them with `env` set."""
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings;"
         " o = settings.DATABASES['default']['OPTIONS'];"
         " print(o['server_side_binding'], o['prepare_threshold'])"],
        env={**{name: value for name, value in os.environ.items() if name not in TUNING}, **env},
        capture_output=True, text=True, check=True,
        cwd=django_settings.BASE_DIR,
    )
    return result.stdout.strip()


def test_a_pooler_in_transaction_mode_turns_binding_and_preparing_off_together():
    assert settings_in_a_fresh_process(DATABASE_SERVER_SIDE_BINDING="false") == "False None"
    assert settings_in_a_fresh_process(DATABASE_SERVER_SIDE_BINDING="true") == "True 5"
    assert settings_in_a_fresh_process(DATABASE_PREPARE_THRESHOLD="0") == "True 0"


# The tables every submission writes (the case, its log, its messages, its consents).
INTAKE_TABLES = ("workflow_case", "workflow_caseevent", "workflow_outboxmessage",
                 "feedback_consent")
# Every table of the project's own models (not Django's, nor a many-to-many's own table).
OWN_TABLES = sorted(
    model._meta.db_table for app in ("routing", "workflow", "feedback", "publishing", "reports")
    for model in apps.get_app_config(app).get_models()
    if model._meta.managed and not model._meta.auto_created
)


def indexes(table: str) -> list[tuple[str, list[int], bool, bool]]:
    """(name, key columns, unique, partial) of each index on `table`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, string_to_array(i.indkey::text, ' ')::int[],"
            " i.indisunique, i.indpred IS NOT NULL FROM pg_index i"
            " WHERE i.indrelid = %s::regclass AND i.indexprs IS NULL", [table])
        return cursor.fetchall()


@pytest.mark.django_db
@pytest.mark.parametrize("table", OWN_TABLES)
def test_no_table_keeps_an_index_that_another_covers(table):
    """Each index is written by every insert: one whose columns lead another (a foreign
    key's own index beside a composite one, the LIKE-only twin of a unique column) costs
    the writes and serves no query."""
    found = indexes(table)
    covered = [
        (name, other)
        for name, keys, unique, partial in found if not (unique or partial)
        for other, other_keys, _unique, other_partial in found
        if other != name and not other_partial and other_keys[:len(keys)] == keys
    ]
    assert covered == []
    assert f"{table}_pkey" in {name for name, *_rest in found}  # read the right table


@pytest.mark.django_db
def test_the_intake_tables_foreign_keys_are_still_checked_by_the_database():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, a.attname FROM pg_constraint c"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
            " WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)",
            [list(INTAKE_TABLES)])
        checked = set(cursor.fetchall())
    assert {("workflow_case", "category_id"), ("workflow_case", "area_id"),
            ("workflow_case", "created_by_id"), ("workflow_caseevent", "case_id"),
            ("workflow_caseevent", "assignment_id"), ("workflow_caseevent", "unit_id"),
            ("workflow_caseevent", "actor_id"), ("workflow_outboxmessage", "case_id"),
            ("workflow_outboxmessage", "recipient_user_id"),
            ("feedback_consent", "case_id")} <= checked
