"""Two-factor secrets are encrypted at rest (SECURITY AC5): Fernet keys from
FIELD_ENCRYPTION_KEYS (the first encrypts, all decrypt), by default one derived from SECRET_KEY.
"""

import re
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from routing import field_encryption
from routing.models import SecretNotReadable, TwoFactorDevice
from workflow import auth

T0 = 1_780_000_000.0
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
BASE32_SECRET = re.compile(r"[A-Z2-7]{32}")


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(auth, "clock", lambda: T0)


def stored_value(device: TwoFactorDevice) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT encrypted_secret FROM routing_twofactordevice WHERE id = %s",
                       [device.pk])
        return cursor.fetchone()[0]


def new_device(user, secret: str | None = None) -> tuple[TwoFactorDevice, str]:
    secret = secret or auth.new_secret()
    return TwoFactorDevice.objects.create(user=user, secret=secret), secret


def verifies(device_pk: int, secret: str) -> bool:
    """A fresh copy from the database accepts the current code (and spends its step)."""
    device = TwoFactorDevice.objects.get(pk=device_pk)
    return auth.accept_code(device, auth.totp(secret, T0))


def test_the_database_column_holds_no_secret_in_clear(province):
    device, secret = new_device(province.coordinator_user)
    raw = stored_value(device)
    assert secret not in raw and not BASE32_SECRET.search(raw)
    assert raw.startswith(field_encryption.FERNET_PREFIX)


def test_a_code_is_verified_against_the_encrypted_secret(province):
    device, secret = new_device(province.coordinator_user)
    assert verifies(device.pk, secret)
    assert TwoFactorDevice.objects.get(pk=device.pk).is_confirmed


def test_a_confirmed_secret_is_never_read_back(province):
    device, secret = new_device(province.coordinator_user)
    assert verifies(device.pk, secret)
    with pytest.raises(SecretNotReadable):
        _ = TwoFactorDevice.objects.get(pk=device.pk).secret


def test_without_the_setting_the_key_is_derived_from_the_secret_key(province, settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    device, secret = new_device(province.coordinator_user)
    derived = Fernet(field_encryption.derived_key(settings.SECRET_KEY))
    assert derived.decrypt(stored_value(device).encode()).decode() == secret
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, "secret-key"]
    assert verifies(device.pk, secret)


def test_rotation_re_encrypts_with_the_first_key(province, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    device, secret = new_device(province.coordinator_user)
    before = stored_value(device)

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "Re-encrypted 1 two-factor secrets" in out.getvalue()
    after = stored_value(device)
    assert after != before
    assert Fernet(NEW_KEY.encode()).decrypt(after.encode()).decode() == secret

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key is retired
    assert verifies(device.pk, secret)


def test_a_wrong_key_fails_loudly(province, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    device, secret = new_device(province.coordinator_user)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(field_encryption.FieldDecryptionError, match="FIELD_ENCRYPTION_KEYS"):
        verifies(device.pk, secret)
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("rotate_field_keys", stdout=StringIO())


def test_a_malformed_key_is_named_in_the_error(province, settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, "not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="key number 2 is not a Fernet key"):
        new_device(province.coordinator_user)


def test_the_migration_encrypts_clear_secrets_and_its_reverse_decrypts_them(province):
    loader = MigrationLoader(connection)
    (ours,) = [key for key in loader.disk_migrations if key[0] == "routing"
               and key[1].endswith("_two_factor_secret_encrypted_and_enrolment")]
    after = [ours]
    before = [key for key in loader.disk_migrations[ours].dependencies if key[0] == "routing"]
    secret = auth.new_secret()
    executor = MigrationExecutor(connection)
    executor.migrate(before)  # PostgreSQL rolls the schema back with the test's transaction
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO routing_twofactordevice (user_id, secret, created_at, last_used_step)"
            " VALUES (%s, %s, now(), 0) RETURNING id", [province.coordinator_user.pk, secret])
        device_pk = cursor.fetchone()[0]
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    device = TwoFactorDevice(pk=device_pk)
    raw = stored_value(device)
    assert secret not in raw and field_encryption.decrypt(raw) == secret
    assert verifies(device_pk, secret)

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM routing_twofactordevice WHERE id = %s", [device_pk])
        assert cursor.fetchone()[0] == secret
    MigrationExecutor(connection).migrate(after)
