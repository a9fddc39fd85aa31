"""What counts as an outage, and what a reading page does when PostgreSQL stops under it."""

import contextlib
from collections.abc import Iterator

import pytest
from django.db import close_old_connections, connection, connections

from tests import urls_outage

from .conftest import assert_outage_page
from .throwaway_postgres import ThrowawayPostgres, binaries

OUTAGES = ["/operational", "/interface", "/driver", "/redis-down", "/redis-slow",
           "/redis-loading", "/broker-down", "/lazy-template"]


@pytest.mark.urls("tests.urls_outage")
@pytest.mark.parametrize("path", OUTAGES)
def test_a_store_that_is_down_or_slow_answers_the_outage_page(visitor, path):
    assert_outage_page(visitor.get(path, secure=True))


@pytest.mark.urls("tests.urls_outage")
def test_any_other_error_is_still_a_server_error(visitor):
    response = visitor.get("/other", secure=True)

    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.fixture
def stoppable_database(django_db_blocker) -> Iterator[ThrowawayPostgres]:
    """A server of the test's own under the alias the cursor views read, with rows to read."""
    if binaries() is None:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    server = ThrowawayPostgres()
    server.start()
    alias = urls_outage.OUTAGE_DATABASE
    connections.settings[alias] = server.settings(connection.settings_dict)
    try:
        with django_db_blocker.unblock(), connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE django_content_type (id serial PRIMARY KEY,"
                           " app_label varchar(100), model varchar(100))")
            cursor.execute("INSERT INTO django_content_type (app_label, model)"
                           " SELECT 'app', 'model' || n FROM generate_series(1, 10) n")
        with django_db_blocker.unblock():
            yield server
    finally:
        urls_outage.while_reading.clear()
        with contextlib.suppress(Exception):  # the server may be gone, as the test wanted
            connections[alias].close()
        del connections[alias]
        del connections.settings[alias]
        with contextlib.suppress(RuntimeError):  # already stopped by the test
            server.stop()
        server.remove()


@pytest.mark.urls("tests.urls_outage")
def test_a_page_reading_through_a_server_side_cursor_answers_503_when_postgresql_stops(
        stoppable_database, visitor):
    assert visitor.get("/cursor", secure=True).status_code == 200  # the rows are there
    urls_outage.while_reading.append(stoppable_database.stop)

    assert_outage_page(visitor.get("/cursor", secure=True))


@pytest.mark.urls("tests.urls_outage")
def test_a_stream_answers_503_when_postgresql_stops_before_its_first_part(
        stoppable_database, visitor):
    response = visitor.get("/cursor-stream", secure=True)
    assert b"".join(response.streaming_content).count(b"\n") == 10
    stoppable_database.stop()

    assert_outage_page(visitor.get("/cursor-stream", secure=True))


@pytest.mark.urls("tests.urls_outage")
def test_the_first_page_after_postgresql_restarts_is_served_on_a_fresh_connection(
        stoppable_database, visitor):
    assert visitor.get("/cursor", secure=True).status_code == 200  # a connection kept open
    stoppable_database.stop()
    stoppable_database.start()
    # What a server does as each request starts; the test client leaves it out, to keep a
    # test's transaction open across requests.
    close_old_connections()

    # CONN_HEALTH_CHECKS: the dead connection is noticed and replaced, not used for a 503.
    assert visitor.get("/cursor", secure=True).status_code == 200
