"""The private tracking link of a reporter who has no phone on file (SECURITY AC3).

Such a reporter (e-mail, Facebook, Zalo) cannot open their case with code and phone, so
their messages carry a link that opens it alone. The link's token is a keyed digest of the
case's tracking code (HMAC-SHA256 with SECRET_KEY, 256 bits): every message to the reporter,
a retry and a staff resend too, rebuilds the same link, so the token itself is never
stored. The case keeps only a SHA-256 of the token, to find the case it opens: a copy of the
database opens nothing.
"""

from __future__ import annotations

import base64
import hashlib

from django.utils.crypto import salted_hmac

_SALT = "workflow.track_links.token"


def link_token(tracking_code: str) -> str:
    """The token of the case whose tracking code is `tracking_code`: 43 URL-safe characters."""
    digest = salted_hmac(_SALT, tracking_code, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    """What the case stores of its token, and what a presented token is looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()


def link_hash_for(tracking_code: str) -> str:
    return token_hash(link_token(tracking_code))
