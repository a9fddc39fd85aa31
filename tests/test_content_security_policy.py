"""The Content-Security-Policy reaches every page the portal renders (SECURITY AC6).

The policy is our own middleware rather than django-csp: the portal needs one fixed policy
with no inline code, no nonces and no per-view exceptions, and these tests show that it is
on every kind of response a person can be shown — pages, errors, the outage page, the
refused form — which is what django-csp's middleware would give."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

STRICT = ("default-src 'self'", "script-src 'self'", "style-src 'self';", "object-src 'none'",
          "frame-ancestors 'none'")


def assert_strict(response):
    policy = response["Content-Security-Policy"]
    for directive in STRICT:
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_a_public_page_carries_the_strict_policy(client):
    assert_strict(client.get("/", secure=True))


def test_a_page_that_is_not_found_carries_it(client):
    response = client.get("/no-such-page/", secure=True)
    assert response.status_code == 404
    assert_strict(response)


def test_a_form_refused_for_its_missing_csrf_token_carries_it():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/staff/login/", {"username": "a", "password": "b"}, secure=True)
    assert response.status_code == 403
    assert_strict(response)


@pytest.mark.urls("tests.urls_outage")
def test_the_outage_page_carries_it():
    response = Client().get("/operational", secure=True)
    assert response.status_code == 503
    assert_strict(response)


@pytest.mark.urls("tests.urls_outage")
def test_the_server_error_page_carries_it():
    response = Client(raise_request_exception=False).get("/other", secure=True)
    assert response.status_code == 500
    assert_strict(response)


def test_only_the_admin_may_use_inline_styles_and_still_no_inline_script(admin_client):
    policy = admin_client.get("/admin/", secure=True)["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy
