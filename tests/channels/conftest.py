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


@pytest.fixture(scope="session")
def dovecot():
    """Debian's dovecot on a free loopback port for the whole session; fails if missing."""
    from tests.channels.imap_server import DovecotServer

    server = DovecotServer()
    yield server
    server.close()


@pytest.fixture
def mailbox(dovecot, settings):
    """The 1022 mailbox, emptied, with the intake settings pointing at it."""
    client = dovecot.connect()
    try:
        client.select("INBOX")
        _status, data = client.search(None, "ALL")
        if data[0]:
            client.store(data[0].decode().replace(" ", ","), "+FLAGS.SILENT", r"(\Deleted)")
            client.expunge()
    finally:
        client.logout()
    settings.EMAIL_INTAKE_HOST = dovecot.host
    settings.EMAIL_INTAKE_PORT = dovecot.port
    settings.EMAIL_INTAKE_USER = dovecot.user
    settings.EMAIL_INTAKE_PASSWORD = dovecot.password
    settings.EMAIL_INTAKE_MAILBOX = "INBOX"
    settings.EMAIL_INTAKE_SSL = False
    settings.EMAIL_INTAKE_STARTTLS = False
    settings.EMAIL_INTAKE_TIMEOUT = 5.0
    return dovecot
