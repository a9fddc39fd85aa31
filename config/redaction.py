"""What the server's output may not hold, taken out of every line it writes (SECURITY AU3).

Logs, the access log of runserver ("django.server") and of gunicorn (config/gunicorn.py)
pass through `redact()`: the values of query parameters that carry secrets (API keys,
tokens, codes, passwords, signatures, phones, e-mails), the tracking codes in the JSON API's
paths and the tokens of private tracking links, credentials in Authorization-like headers,
e-mail addresses and Vietnamese phone numbers become "[redacted]". This is the safety net;
the first rule stays that code logs rows by id and never writes a person's data or a secret
to a logger or to stdout.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

# Parameter names (query strings, form bodies quoted in errors) whose values are secrets or
# a person's contact: api_key, hub.verify_token, access_token, code, otp, password, phone…
_SECRET_PARAM = re.compile(
    r"(?P<name>(?:^|(?<=[?&;\s\"'(,]))[\w.\-\[\]%]*?"
    r"(?:key|token|secret|passw|pwd|signature|sig|code|otp|challenge|phone|email|"
    r"session|csrf|auth)[\w.\-\[\]%]*=)"
    r"(?P<value>[^&;\s\"'#<>]*)",
    re.IGNORECASE,
)
# Paths that carry a secret in a segment: a tracking code (the JSON API's reporter actions),
# an Open311 token, or the token of a reporter's private tracking link.
_SECRET_PATH = re.compile(
    r"(?P<prefix>/api/v\d+/cases/|/open311/v\d+/tokens/|/tra-cuu/lien-ket/)"
    r"(?P<value>[^/?\s\"'#.]+)",
    re.IGNORECASE,
)
_CREDENTIALS = re.compile(
    r"(?P<prefix>\b(?:authorization|x-api-key|cookie|proxy-authorization)\b[\"']?\s*[:=]\s*"
    r"[\"']?)(?P<value>[^\"'\r\n,}]+)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# 0xx… or +84/84xx…: ten or eleven digits, with optional single spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\w.+-])(?:\+?84|0)(?:[ .-]?\d){8,10}(?![\w])")


def redact(text: str) -> str:
    """`text` without the secrets and contacts listed in this module's docstring."""
    if not text:
        return text
    text = _CREDENTIALS.sub(lambda m: m["prefix"] + REDACTED, text)
    text = _SECRET_PARAM.sub(lambda m: m["name"] + (REDACTED if m["value"] else ""), text)
    text = _SECRET_PATH.sub(lambda m: m["prefix"] + REDACTED, text)
    text = _EMAIL.sub(REDACTED, text)
    return _PHONE.sub(REDACTED, text)


class RedactingFormatter(logging.Formatter):
    """A plain formatter whose whole output, message and traceback, goes through redact()."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingFilter(logging.Filter):
    """Redacts a record's message in place, for handlers whose formatter is not ours."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the record, as logging would
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
