"""Deployment: check --deploy, health and readiness, the outage page (the compose file,
the proxy, uploads in a bucket and backups: tests/deployment/).

SECURITY AC6 (frame and sniffing headers), AC7 (check --deploy), RE5 (503 during a database
outage) and RE6 (/healthz, /readyz).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management.utils import get_random_secret_key
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

BASE_DIR = Path(django_settings.BASE_DIR)
OUTAGE_MIDDLEWARE = "config.middleware.DatabaseUnavailableMiddleware"
OUTAGE_TITLE = "Service temporarily unavailable"


# --- check --deploy ------------------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings() -> None:
    # A fresh environment, not this process's: the suite runs with SECURE_SSL_REDIRECT=false,
    # which production never does. Values in BASE_DIR/.env still apply where unset here.
    env = {
        **{name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ},
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        # Django's generator puts "$" first in one key of 50, which django-environ would read
        # as the name of another variable: such a key is taken as it is (config/settings.py).
        "SECRET_KEY": "$" + get_random_secret_key()[1:],
        "ALLOWED_HOSTS": "1022.example.gov.vn",
        "CSRF_TRUSTED_ORIGINS": "https://1022.example.gov.vn",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/cong1022",
        "REDIS_URL": "redis://127.0.0.1:6379/12",
    }
    result = subprocess.run(  # noqa: S603 — fixed arguments, our own interpreter
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, (
        "manage.py check --deploy reports problems with production settings; "
        "the fix belongs in config/settings.py:\n" + result.stdout + result.stderr
    )


# --- /healthz and /readyz --------------------------------------------------------------------


def test_healthz_answers_200(client: Client) -> None:
    response = client.get("/healthz", secure=True)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_forbids_framing_and_sniffing(client: Client) -> None:
    response = client.get("/healthz", secure=True)

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_readyz_answers_200_when_postgresql_redis_and_storage_answer(
    client: Client, settings, tmp_path: Path
) -> None:
    assert settings.REDIS_URL, "run the suite with REDIS_URL=redis://..."
    settings.MEDIA_ROOT = tmp_path

    response = client.get("/readyz", secure=True)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["redis"] == "ok"
    assert body["storage"] == "ok"


@pytest.mark.django_db
def test_readyz_answers_503_when_redis_is_unreachable(
    client: Client, settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/readyz", secure=True)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["redis"] == "error"
    assert body["database"] == "ok"


@pytest.mark.django_db
def test_readyz_answers_503_when_media_storage_is_not_writable(
    client: Client, settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "missing"

    response = client.get("/readyz", secure=True)

    assert response.status_code == 503
    assert response.json()["storage"] == "error"


# --- The outage page (RE5) ------------------------------------------------------------------


def test_the_outage_middleware_is_installed_after_the_language_middleware() -> None:
    middleware = django_settings.MIDDLEWARE
    assert OUTAGE_MIDDLEWARE in middleware, f"add {OUTAGE_MIDDLEWARE!r} to MIDDLEWARE"
    assert middleware.index(OUTAGE_MIDDLEWARE) > middleware.index(
        "config.middleware.VietnameseFirstLocaleMiddleware"
    ), "the outage page needs the visitor's language, set by the language middleware"


@pytest.fixture
def outage_client(settings) -> Client:
    """A client whose stack has the outage middleware, whether or not settings list it yet."""
    if OUTAGE_MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, OUTAGE_MIDDLEWARE]
    return Client()


@pytest.mark.urls("tests.urls_outage")
@pytest.mark.parametrize("path", ["/operational", "/interface"])
def test_a_database_error_in_a_view_answers_503_with_retry_after(
    outage_client: Client, path: str
) -> None:
    outage_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = outage_client.get(path, secure=True)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    assert OUTAGE_TITLE in response.content.decode()


@pytest.mark.urls("tests.urls_outage")
def test_the_outage_page_is_in_vietnamese_by_default(outage_client: Client) -> None:
    with translation.override("vi"):
        title = gettext(OUTAGE_TITLE)
    assert title != OUTAGE_TITLE, (
        "templates/503.html has no Vietnamese translation: "
        "add its strings to locale/vi/LC_MESSAGES/django.po"
    )

    response = outage_client.get("/operational", secure=True)

    content = response.content.decode()
    assert response.status_code == 503
    assert '<html lang="vi">' in content
    assert title in content


@pytest.mark.urls("tests.urls_outage")
def test_other_errors_in_a_view_are_left_to_django(outage_client: Client) -> None:
    with pytest.raises(ValueError, match="not a database problem"):
        outage_client.get("/other", secure=True)


def test_pages_are_vietnamese_even_for_a_browser_that_asks_for_english(client):
    response = client.get("/staff/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9", secure=True)
    assert response["Content-Language"] == "vi"
    assert 'lang="vi"' in response.content.decode()


def test_the_language_switch_is_remembered(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/staff/login/"}, secure=True)
    response = client.get("/staff/login/", secure=True)
    assert response["Content-Language"] == "en"
    assert 'lang="en"' in response.content.decode()


# --- Content-Security-Policy (AC6) ---------------------------------------------------------
def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/staff/login/", secure=True)["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_no_template_carries_inline_script_or_style():
    """The policy forbids inline code, so none may creep into a template."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = []
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)
    for path in (root / "templates").rglob("*.html"):
        if "/pdf/" in path.as_posix():
            continue  # rendered by WeasyPrint, never served to a browser
        if inline.search(path.read_text(encoding="utf-8")):
            offenders.append(path.relative_to(root).as_posix())
    assert offenders == []
