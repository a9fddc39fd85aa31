"""gunicorn's logger with the secrets taken out (SECURITY AU3), named by config/gunicorn.py.

Every access-log atom goes through config.redaction.redact() (the request line, path, query
string, referer, user agent, headers and environ values), headers that carry credentials
are never written, and the error log's records are redacted too.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from .redaction import REDACTED, RedactingFilter, redact

# Request and response headers whose values are credentials or sessions.
CREDENTIAL_HEADERS = frozenset({
    "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key",
    "x-hub-signature", "x-hub-signature-256", "x-zevent-signature", "idempotency-key",
})


def _atom(name: str, value: Any) -> Any:
    header = name[1:-2] if name.startswith("{") and name[-2:] in ("}i", "}o") else ""
    if header in CREDENTIAL_HEADERS or name.startswith("{http_cookie}") or \
            name.startswith("{http_authorization}") or name.startswith("{http_x_api_key}"):
        return REDACTED
    return redact(value) if isinstance(value, str) else value


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any],
              request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: _atom(name, value) for name, value in atoms.items()}

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactingFilter) for f in log.filters):
                log.addFilter(RedactingFilter())


__all__ = ["RedactingLogger"]
