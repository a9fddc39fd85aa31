"""Project middleware: the visitor's language, and a friendly 503 on a database outage."""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

logger = logging.getLogger(__name__)

# Long enough for PostgreSQL to restart, short enough that a citizen retrying is not kept out.
RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Turns OperationalError and InterfaceError raised by a view into a 503 page.

    Place it after LocaleMiddleware, so the page is in the visitor's language. It handles
    exceptions from views only: one raised by another middleware still becomes a 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable, answering 503: %s", exception, exc_info=exception)
        # Rendered without the request on purpose: context processors (the user, messages)
        # may query the database that has just failed. The language is already active.
        html = render_to_string("503.html", {"PROVINCE": settings.PROVINCE})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        # A proxy must not keep serving the outage page once the database is back.
        add_never_cache_headers(response)
        return response


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the person chose another language with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, so a clerk or citizen
    whose browser is set to English would land on an English portal. A Vietnamese provincial
    portal speaks Vietnamese first; English is one click away and remembered in a cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy on every response (SECURITY AC6).

    The portal's own pages load scripts and styles from its own origin only and carry no
    inline code (a test keeps it so), so a page that has been injected with markup still
    cannot run it. Django's admin keeps inline styles of its own, so its pages may use them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY
        self.admin_policy = self.policy.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            admin = request.path.startswith("/admin/")
            response.headers["Content-Security-Policy"] = (
                self.admin_policy if admin else self.policy
            )
        return response


class IdleTimeoutMiddleware:
    """The staff idle time-out (SECURITY AC5): a session expires SESSION_COOKIE_AGE after
    its last refresh, and a request refreshes it once SESSION_REFRESH_SECONDS have passed
    since the last. Saving the session on every request (a write and a commit per page)
    would make the time-out exact to the second; this makes it end between
    SESSION_COOKIE_AGE minus the refresh interval and SESSION_COOKIE_AGE after the last
    request: never later.

    Place it after SessionMiddleware, so SessionMiddleware saves what it marks.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session this request read (every staff page reads it, for the user): a
        # visitor without one, or a page that did not need it, loads nothing here.
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(time.time())
        if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[self.KEY] = now  # modified: SessionMiddleware saves it, expiry anew
        return response
