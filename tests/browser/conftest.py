"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

- The browser is /usr/bin/chromium (never `playwright install`: nothing can be downloaded).
- The app is served by `live_server` (a transactional database: each test's rows are
  committed, so the server thread sees them, and flushed afterwards). Static files are
  served by Django's StaticFilesHandler from the finders, so no collectstatic is needed.
- Playwright's sync API runs an event loop in the test thread: Django's ORM there needs
  DJANGO_ALLOW_ASYNC_UNSAFE=true (set by `make test`; set here too as a fallback).
- Screenshots go to test-artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import os
import re
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import translation

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PASSWORD = "a long test password 1022"


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser is a browser test, marked or not."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


# --- Playwright ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started with a MEDIA_URL.

    The portal has no MEDIA_URL (photos are served by a view that checks who asks), but
    Django's LiveServerThread wraps the app in a media-files handler that parses MEDIA_URL
    once, at start-up: None there makes every request fail with a TypeError. A path nobody
    links to is set while the server starts; the app itself never sees it.
    """
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    addr = (request.config.getvalue("liveserver")
            or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
    with override_settings(MEDIA_URL="/__live-server-media__/"):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, base_url):
    return {
        **browser_context_args,
        "base_url": base_url,
        "viewport": DESKTOP,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        # axe-core is injected as an inline script, which the portal's policy forbids; the
        # policy itself is checked by tests/test_deployment.py and the no-inline-code test.
        "bypass_csp": True,
    }


def fast_failing(context):
    """A missing element fails in seconds, not after Playwright's default 30 s."""
    context.set_default_timeout(7_000)
    context.set_default_navigation_timeout(15_000)
    return context


@pytest.fixture
def context(new_context):
    return fast_failing(new_context())


def open_page(new_context, **kwargs):
    """A page in a browser context of its own (one person's cookies), e.g. one per role."""
    return fast_failing(new_context(**kwargs)).new_page()


# --- The app under test --------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def browser_isolation(settings, tmp_path, monkeypatch):
    """What the live server needs to behave over plain http in a test:

    - cookies without the Secure flag (DEBUG is off, so they would be secure);
    - a rate-limit and lockout cache of this test's own (counts start at zero);
    - uploads in tmp_path;
    - no delivery task pushed to the real broker (the outbox rows are still written).
    """
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"browser-{uuid.uuid4().hex}"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    from workflow import tasks

    monkeypatch.setattr(tasks.deliver_messages_task, "apply_async",
                        lambda *args, **kwargs: None)


# --- Helpers -------------------------------------------------------------------------------------
def vi(message) -> str:
    """`message` (a msgid or a lazy label) as the portal shows it: in Vietnamese."""
    with translation.override("vi"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def login_labels() -> tuple[str, str]:
    """The user name and password labels of the staff log-in form, as shown."""
    from django.contrib.auth.forms import AuthenticationForm

    with translation.override("vi"):
        form = AuthenticationForm()
        return str(form["username"].label), str(form["password"].label)


def log_in(page, username: str, code_secret: str | None = None) -> None:
    """Log in through the staff pages; with `code_secret`, type the current TOTP code too."""
    user_label, password_label = login_labels()
    page.goto("/staff/login/")
    page.get_by_label(user_label).fill(username)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_role("button", name=exact(vi("Log in"))).click()
    if code_secret is not None:
        page.wait_for_url("**/staff/login/code/")
        page.get_by_label(vi("6-digit code")).fill(current_totp(code_secret))
        page.get_by_role("button", name=exact(vi("Continue"))).click()
    page.wait_for_url("**/staff/")


def exact(text: str) -> re.Pattern[str]:
    """A name matched whole (Playwright's `exact=True` without its whitespace strictness)."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def current_totp(secret: str) -> str:
    from workflow import auth

    return auth.totp(secret, time.time())


def assert_css_loaded(page) -> None:
    """At least one linked stylesheet arrived with rules in it (static files are served)."""
    loaded = page.evaluate(
        "() => [...document.styleSheets].filter(s => s.href && s.cssRules.length > 0).length"
    )
    assert loaded >= 1, "no stylesheet was loaded: is the live server serving static files?"
