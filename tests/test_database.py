"""PostgreSQL keeps the statements a connection repeats prepared (config/settings.py)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import connection

from workflow.models import Case

pytestmark = pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="prepared statements are PostgreSQL's",
)


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
