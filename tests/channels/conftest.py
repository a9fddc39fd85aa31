import pytest

from tests.channels import support
from tests.feedback.support import public_isolation  # noqa: F401 — a fixture


@pytest.fixture(autouse=True)
def _isolated(public_isolation):  # noqa: F811
    yield


@pytest.fixture(autouse=True)
def channel_secrets(settings):
    settings.FACEBOOK_APP_SECRET = support.FACEBOOK_APP_SECRET
    settings.FACEBOOK_VERIFY_TOKEN = support.FACEBOOK_VERIFY_TOKEN
    settings.ZALO_OA_SECRET_KEY = support.ZALO_OA_SECRET_KEY
    settings.ZALO_APP_ID = support.ZALO_APP_ID
    return settings


@pytest.fixture
def stand_in_api():
    apis: list[support.StandInApi] = []

    def start(default=(200, {}, 0.0)) -> support.StandInApi:
        api = support.StandInApi(default)
        apis.append(api)
        return api

    yield start
    for api in apis:
        api.close()
