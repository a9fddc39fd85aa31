"""Views that fail the way a database outage does, for the 503 middleware's tests."""

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path


def operational_error(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


def interface_error(request: HttpRequest) -> HttpResponse:
    raise InterfaceError("connection already closed")


def other_error(request: HttpRequest) -> HttpResponse:
    raise ValueError("not a database problem")


urlpatterns = [
    path("operational", operational_error),
    path("interface", interface_error),
    path("other", other_error),
]
