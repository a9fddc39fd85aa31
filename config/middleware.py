"""Project middleware: the visitor's language, and a friendly 503 during an outage.

An outage is PostgreSQL or Redis (the cache, the Celery broker) down, restarting or not
answering in time (SECURITY RE5). Every page then answers the same standalone 503 page with
Retry-After, anonymous or logged in, never a 500. Django turns an exception into a response
at the layer it was raised in, so two places catch it:

- DatabaseUnavailableMiddleware, for an exception in a view, in a template rendered lazily
  (a TemplateResponse) and in the first part of a streamed response, and
- `server_error`, the project's handler500, for everything raised outside the view: a
  session or user loaded by a middleware, the idle time-out's refresh, a cache read in a
  middleware. Any other error keeps Django's own 500.

What remains: a streamed response that fails after its first part has gone out cannot
change its status any more; the connection is cut and the browser shows a broken download.
"""

import logging
import sys
import time
from collections.abc import Callable, Iterator
from itertools import chain

import psycopg
import redis
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views import defaults
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

# Long enough for PostgreSQL to restart, short enough that a citizen retrying is not kept out.
RETRY_AFTER_SECONDS = 30

# What a store that is down, restarting or too slow raises. Django wraps the driver's errors
# in its own classes, except where it does not (a server-side cursor closed on a dead
# connection raises psycopg's own), so both are listed. Redis's ConnectionError covers
# "LOADING" (BusyLoadingError) while a restarted Redis reads its data back.
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError, InterfaceError,
    psycopg.OperationalError, psycopg.InterfaceError,
    redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
    BrokerError,
)


def is_outage(exception: BaseException | None) -> bool:
    """True when `exception`, or one it was raised from or while handling, is an outage."""
    seen = 0
    while exception is not None and seen < 10:  # a chain is short; a cycle is not followed
        if isinstance(exception, OUTAGE_ERRORS):
            return True
        exception = exception.__cause__ or exception.__context__
        seen += 1
    return False


def visitor_language(request: HttpRequest) -> str:
    """Vietnamese unless the person chose another language with the language switch."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def outage_response(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """The 503 page in the visitor's language, for any page, whatever failed."""
    logger.warning("Database or Redis unavailable, answering 503 (%s)",
                   type(exception).__name__, exc_info=exception)
    # Rendered without the request on purpose: context processors (the user, messages)
    # may query the database that has just failed.
    with translation.override(visitor_language(request)):
        html = render_to_string("503.html", {"PROVINCE": settings.PROVINCE})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A proxy must not keep serving the outage page once the database is back.
    add_never_cache_headers(response)
    # Raised outside the view, the answer skips the middleware that add these.
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the outage page for an outage raised outside a view, else Django's 500.

    Django calls it while handling the exception, so the exception is the current one.
    """
    exception = sys.exc_info()[1]
    if is_outage(exception):
        return outage_response(request, exception)
    return defaults.server_error(request)


class DatabaseUnavailableMiddleware:
    """Turns an outage raised by a view, a lazily rendered template or the start of a
    streamed response into the 503 page (`server_error` catches the rest).

    Place it after LocaleMiddleware, so the page is in the visitor's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # A file is read from the disk, not from a store that may be down.
        if not response.streaming or response.is_async or isinstance(response, FileResponse):
            return response
        # A stream is read by the web server after this returns, where a failure can only
        # be a bare 500: its first part is read here, so a store down from the start (a
        # server-side cursor, say) still gets the outage page.
        parts: Iterator[bytes] = iter(response.streaming_content)
        try:
            first = next(parts)
        except StopIteration:
            return response
        except Exception as exc:
            if not is_outage(exc):
                raise
            return outage_response(request, exc)
        response.streaming_content = chain([first], parts)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        return outage_response(request, exception)


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the person chose another language with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, so a clerk or citizen
    whose browser is set to English would land on an English portal. A Vietnamese provincial
    portal speaks Vietnamese first; English is one click away and remembered in a cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = visitor_language(request)
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
