"""The formatter of every log line takes secrets and contacts out (SECURITY AU3)."""

import logging
import subprocess
import sys

from config.redaction import REDACTED, RedactingFilter, RedactingFormatter, redact
from tests.server_output import ROOT, server_env


def _record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("django.request", logging.ERROR, __file__, 1, message, args,
                             exc_info)


def test_an_error_and_its_traceback_keep_no_email_phone_or_key():
    try:
        raise ValueError("duplicate key (value)=(an@example.vn) for 0912 345 678")
    except ValueError as error:
        record = _record("Failed: %s", "/open311/v2/requests.json?api_key=s3cr3t",
                         exc_info=(type(error), error, error.__traceback__))

    line = RedactingFormatter("%(message)s").format(record)

    assert "s3cr3t" not in line and "an@example.vn" not in line and "345 678" not in line
    assert "api_key=" + REDACTED in line and "ValueError" in line


def test_query_secrets_and_tracking_codes_in_paths_are_redacted_and_the_rest_kept():
    line = ('"GET /webhooks/facebook?hub.mode=subscribe&hub.verify_token=t0k3n HTTP/1.1" '
            '"POST /api/v1/cases/CGRYS-14JW7/comments" Authorization: Bearer abc.def')

    redacted = redact(line)

    assert "t0k3n" not in redacted and "CGRYS" not in redacted and "abc.def" not in redacted
    assert "hub.mode=subscribe" in redacted and "/comments" in redacted


def test_the_filter_redacts_a_record_for_a_formatter_that_is_not_ours():
    record = _record("mail to %s", "an@example.vn")

    RedactingFilter().filter(record)

    assert record.getMessage() == f"mail to {REDACTED}"


def test_with_debug_on_djangos_own_console_handler_does_not_print_unredacted(tmp_path):
    # DEFAULT_LOGGING's console handler on the "django" logger prints when DEBUG is on.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django, logging; django.setup(); "
         "logging.getLogger('django.request').error('Bad request from an@example.vn')"],
        cwd=ROOT, env={**server_env("unused"), "DEBUG": "true"}, capture_output=True,
        text=True, timeout=60,
    )

    assert "Bad request from" in result.stderr
    assert "an@example.vn" not in result.stdout + result.stderr


def test_the_token_of_a_private_tracking_link_is_redacted_from_an_access_log_line():
    from django.urls import reverse

    from workflow.track_links import link_token

    token = link_token("7KQ2M4XH9P")
    # The path as the portal builds it, so a moved link page cannot slip past the pattern.
    path = reverse("public:track_link", args=[token])
    line = f'127.0.0.1 - - "GET {path} HTTP/1.1" 302 0 "https://mail.example.vn/" "Mozilla"'

    redacted = redact(line)

    assert token not in redacted and token[:12] not in redacted
    assert path.replace(token, REDACTED) in redacted
