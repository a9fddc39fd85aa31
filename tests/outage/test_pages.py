"""Every page answers a friendly 503 with Retry-After in an outage, never a 500 (SECURITY RE5).

Pages that need no database (the rules, the lookup form) keep answering 200.
"""

import pytest
from django.conf import settings as django_settings

from .conftest import assert_outage_page

DATABASE_PAGES = ["/", "/tra-loi/", "/thong-ke/", "/gui-phan-anh/"]
STAFF_PAGES = ["/staff/", "/staff/hotline/", "/reports/"]
PAGES_WITHOUT_DATABASE = ["/tra-cuu/", "/quy-dinh/"]


@pytest.mark.parametrize("path", DATABASE_PAGES)
def test_a_visitor_gets_the_outage_page_while_the_database_is_down(database_down, visitor,
                                                                     path):
    assert_outage_page(visitor.get(path, secure=True))


@pytest.mark.parametrize("path", DATABASE_PAGES + STAFF_PAGES)
def test_a_logged_in_person_gets_the_outage_page_while_the_database_is_down(
        database_down, staff_browser, path):
    assert_outage_page(staff_browser.get(path, secure=True))


@pytest.mark.parametrize("path", PAGES_WITHOUT_DATABASE)
def test_a_page_without_the_database_is_still_served_while_it_is_down(database_down,
                                                                       staff_browser, path):
    assert staff_browser.get(path, secure=True).status_code == 200


def test_a_logged_in_person_reads_the_outage_page_in_the_language_they_chose(
        database_down, staff_browser):
    staff_browser.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    response = staff_browser.get("/staff/", secure=True)

    assert_outage_page(response)
    assert "Service temporarily unavailable" in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_statistics_page_is_computed_afresh_while_the_cache_is_down(cache_down, visitor):
    response = visitor.get("/thong-ke/", secure=True)

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", DATABASE_PAGES + PAGES_WITHOUT_DATABASE)
def test_a_visitor_never_gets_a_server_error_while_the_cache_is_down(cache_down, visitor, path):
    assert visitor.get(path, secure=True).status_code in (200, 503)


@pytest.mark.django_db
@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_logged_in_coordinator_keeps_working_while_the_cache_is_down(province, cache_down,
                                                                      visitor, path):
    visitor.force_login(province.coordinator_user)

    assert visitor.get(path, secure=True).status_code == 200
