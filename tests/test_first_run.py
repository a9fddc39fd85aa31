"""The first run: `make run` creates its PostgreSQL database when missing, migrates it, loads
the demo and serves every page, and a second run keeps what the first made. The suite's own
database is pytest's, so this test runs the project in child processes against a fresh
database of its own (the configured one's name with "_first_run") and opens each page as
each role."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent

VISIT = """
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from workflow.models import Case

client, users, failures = Client(), get_user_model(), []
pages = ["/staff/", "/staff/unit/", "/staff/units/", "/staff/escalated/", "/staff/hold/",
         "/staff/help/", "/staff/data-requests/", "/reports/"]
for username in ["dieuphoi", "gtvt.canbo", "gtvt.lanhdao", "giamsat"]:
    client.force_login(users.objects.get(username=username))
    for path in pages + [f"/staff/cases/{pk}/" for pk in Case.objects.values_list("pk", flat=True)]:
        status = client.get(path).status_code
        if status >= 500:
            failures.append(f"{username} {path} {status}")
client.logout()
for path in ["/", "/thong-ke/", "/tra-loi/", "/tra-loi/?q=den+duong", "/gui-phan-anh/",
             "/tra-cuu/", "/api/v1/openapi.json", "/open311/v2/services.json"]:
    status = client.get(path).status_code
    if status >= 400:
        failures.append(f"anonymous {path} {status}")
print("\\n".join(failures) or "all pages answered")
"""


def first_run_url() -> str:
    url = urlsplit(os.environ.get("DATABASE_URL") or pytest.fail("run with DATABASE_URL"))
    return url._replace(path=f"{url.path}_first_run").geturl()


def drop_database(url: str) -> None:
    parts = urlsplit(url)
    with psycopg.connect(host=parts.hostname, port=parts.port, user=parts.username,
                         password=parts.password, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{parts.path[1:]}" WITH (FORCE)')


def run(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, *argv], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


COUNT_CASES = ("import django; django.setup(); from workflow.models import Case; "
               "print(Case.objects.count())")


def first_run(env: dict[str, str]) -> str:
    """What `make run` does before it serves."""
    out = run(["scripts/create-database"], env)
    for command in (["migrate", "-v", "0"], ["load_demo"]):
        out += run(["manage.py", *command], env)
    return out


@pytest.fixture(scope="module")
def after_first_run():
    """The environment of a first run, and what that run printed."""
    url = first_run_url()
    drop_database(url)
    # The suite's Redis under a prefix of its own for the cache; no worker here, so what
    # the demo queues goes to an in-process broker and is dropped.
    env = {**os.environ, "DATABASE_URL": url, "CACHE_KEY_PREFIX": "first-run",
           "CELERY_BROKER_URL": "memory://", "DEBUG": "true",
           "ALLOWED_HOSTS": "testserver", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("TEST_DATABASE_NAME", None)
    yield env, first_run(env)
    drop_database(url)


def test_the_first_run_creates_its_database_and_the_demo_serves_every_page(after_first_run):
    env, printed = after_first_run
    assert "Created the PostgreSQL database" in printed

    visit = run(["-c", VISIT], env)

    assert visit.strip().splitlines()[-1] == "all pages answered", visit


def test_a_second_run_keeps_the_first_runs_data(after_first_run):
    env, _printed = after_first_run
    cases = int(run(["-c", COUNT_CASES], env))

    again = first_run(env)

    assert cases > 0
    assert "Created the PostgreSQL database" not in again
    assert "Demo cases exist already" in again
    assert int(run(["-c", COUNT_CASES], env)) == cases
