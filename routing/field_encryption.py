"""Encryption of secrets at rest (SECURITY AC5): today the two-factor (TOTP) secrets.

Fernet (AES-128-CBC with HMAC-SHA-256, from the `cryptography` package) under a MultiFernet
built from the setting FIELD_ENCRYPTION_KEYS: the first key encrypts, every key decrypts. With
the setting empty, one key is derived from SECRET_KEY by HKDF-SHA-256 with a fixed context, so
a first run needs no new setting; the entry "secret-key" names that derived key in a list.

Rotating keys: put the new key first (keep the old ones after it), run
`manage.py rotate_field_keys`, then remove the old keys. A value no key opens raises
FieldDecryptionError, never a silent wrong answer.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

DERIVED_KEY_NAME = "secret-key"
# Fixed, so the derived key is the same on every start; changing it orphans stored secrets.
HKDF_CONTEXT = b"cong1022 field encryption v1"
FERNET_PREFIX = "gAAAAA"  # every Fernet token starts with its version byte and timestamp


class FieldDecryptionError(ImproperlyConfigured):
    """A stored value that no key in FIELD_ENCRYPTION_KEYS opens."""


def derived_key(secret_key: str) -> bytes:
    """A Fernet key derived from SECRET_KEY (HKDF-SHA-256, no salt, fixed context)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_CONTEXT).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw)


def configured_keys() -> list[bytes]:
    names = [key.strip() for key in getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or []]
    names = [key for key in names if key] or [DERIVED_KEY_NAME]
    return [
        derived_key(settings.SECRET_KEY) if key == DERIVED_KEY_NAME else key.encode()
        for key in names
    ]


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    fernets = []
    for position, key in enumerate(configured_keys(), start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError) as error:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key number {position} is not a Fernet key (32 bytes "
                "in URL-safe base64; make one with `python -c \"from cryptography.fernet "
                "import Fernet; print(Fernet.generate_key().decode())\"`)."
            ) from error
    return MultiFernet(fernets)


def _forget_keys(*, setting: str, **kwargs: object) -> None:
    if setting in {"FIELD_ENCRYPTION_KEYS", "SECRET_KEY"}:
        _fernet.cache_clear()


setting_changed.connect(_forget_keys)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as error:
        raise FieldDecryptionError(
            "An encrypted value cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS "
            "(or the key derived from SECRET_KEY when that setting is empty). Was a key removed "
            "or SECRET_KEY changed? Put the old key back in the list (after the new one) and "
            "run `manage.py rotate_field_keys`."
        ) from error


def rotate(token: str) -> str:
    """The same value encrypted under the first key (FieldDecryptionError if none opens it)."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise FieldDecryptionError(
            "An encrypted value cannot be re-encrypted: no key in FIELD_ENCRYPTION_KEYS opens it."
        ) from error


def looks_encrypted(value: str) -> bool:
    return value.startswith(FERNET_PREFIX)
