"""TOTP (RFC 6238) over HOTP (RFC 4226): HMAC-SHA-1, 6 digits, 30-second steps.

Pure arithmetic, no storage: the two-factor device model (routing/models.py) keeps the secret
encrypted and calls `matching_step` to check a code; workflow/auth.py drives the log-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct

TOTP_DIGITS = 6
TOTP_PERIOD = 30
TOTP_DRIFT_STEPS = 1


def hotp(key: bytes, counter: int, digits: int = TOTP_DIGITS) -> str:
    """RFC 4226 HOTP with HMAC-SHA-1 and dynamic truncation."""
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def time_step(at: float) -> int:
    return int(at // TOTP_PERIOD)


def decode_secret(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def totp(secret: str, at: float, digits: int = TOTP_DIGITS) -> str:
    return hotp(decode_secret(secret), time_step(at), digits)


def new_secret() -> str:
    """160 random bits (RFC 4226 §4 recommends them), base32 without padding."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def normalise_code(code: str) -> str:
    return "".join(code.split())


def matching_step(secret: str, code: str, at: float, after_step: int = 0) -> int | None:
    """The time step within the drift window whose code is `code`, newer than `after_step`
    (the device's last accepted step: a code is good once). None if there is none."""
    code = normalise_code(code)
    if len(code) != TOTP_DIGITS or not code.isdigit():
        return None
    key = decode_secret(secret)
    now_step = time_step(at)
    for step in range(now_step - TOTP_DRIFT_STEPS, now_step + TOTP_DRIFT_STEPS + 1):
        if step > after_step and hmac.compare_digest(hotp(key, step), code):
            return step
    return None
