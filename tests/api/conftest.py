import pytest

from tests.feedback.support import public_isolation  # noqa: F401 — a fixture


@pytest.fixture(autouse=True)
def _isolated(public_isolation):  # noqa: F811
    yield


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"
