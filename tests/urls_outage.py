"""Views that fail the way a database or Redis outage does, for the 503 page's tests."""

from collections.abc import Callable, Iterator

import psycopg
import redis
from django.contrib.contenttypes.models import ContentType
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template import engines
from django.template.response import SimpleTemplateResponse
from django.urls import path
from kombu.exceptions import OperationalError as BrokerError

# The database a test may stop under a view (tests/outage), and what the test does to it
# once the view has begun to read.
OUTAGE_DATABASE = "outage"
while_reading: list[Callable[[], None]] = []


def operational_error(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


def interface_error(request: HttpRequest) -> HttpResponse:
    raise InterfaceError("connection already closed")


def driver_error(request: HttpRequest) -> HttpResponse:
    raise psycopg.OperationalError("terminating connection due to administrator command")


def redis_down(request: HttpRequest) -> HttpResponse:
    raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")


def redis_slow(request: HttpRequest) -> HttpResponse:
    raise redis.exceptions.TimeoutError("Timeout reading from socket")


def redis_loading(request: HttpRequest) -> HttpResponse:
    raise redis.exceptions.BusyLoadingError("Redis is loading the dataset in memory")


def broker_down(request: HttpRequest) -> HttpResponse:
    raise BrokerError("Error 111 connecting to 127.0.0.1:6379.")


def other_error(request: HttpRequest) -> HttpResponse:
    raise ValueError("not a database problem")


def _cache_read() -> str:
    raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")


def lazy_template(request: HttpRequest) -> SimpleTemplateResponse:
    """Rendered after the view returned, as a TemplateResponse is: the cache read is then."""
    return SimpleTemplateResponse(engines["django"].from_string("{{ figures }}"),
                                  {"figures": _cache_read})


def _rows() -> Iterator[str]:
    """Content types read through a server-side cursor (QuerySet.iterator), two at a time."""
    rows = ContentType.objects.using(OUTAGE_DATABASE).order_by("pk").iterator(chunk_size=2)
    for number, row in enumerate(rows):
        if number == 0:
            for then in while_reading:
                then()
        yield f"{row.app_label}.{row.model}\n"


def cursor_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("".join(_rows()), content_type="text/plain")


def cursor_stream(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(_rows(), content_type="text/plain")


urlpatterns = [
    path("operational", operational_error),
    path("interface", interface_error),
    path("driver", driver_error),
    path("redis-down", redis_down),
    path("redis-slow", redis_slow),
    path("redis-loading", redis_loading),
    path("broker-down", broker_down),
    path("other", other_error),
    path("lazy-template", lazy_template),
    path("cursor", cursor_page),
    path("cursor-stream", cursor_stream),
]

handler500 = "config.middleware.server_error"
