"""The first run's embedded SQLite database: `make run` migrates it, loads the demo and
serves every page. The rest of the suite runs on PostgreSQL, so this test runs the project
in a child process against a fresh SQLite file and opens each page as each role."""

import os
import subprocess
import sys
from pathlib import Path

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


def test_the_demo_on_sqlite_serves_every_page_to_every_role(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'first-run.sqlite3'}",
           "REDIS_URL": "", "CELERY_BROKER_URL": "filesystem://", "DEBUG": "true",
           "ALLOWED_HOSTS": "testserver", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("TEST_DATABASE_NAME", None)
    for command in (["migrate", "-v", "0"], ["load_demo"]):
        done = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,  # noqa: S603
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]

    visit = subprocess.run([sys.executable, "-c", VISIT], cwd=ROOT, env=env,  # noqa: S603
                           capture_output=True, text=True, timeout=600)

    assert visit.returncode == 0, visit.stderr[-2000:]
    assert visit.stdout.strip().splitlines()[-1] == "all pages answered", visit.stdout
