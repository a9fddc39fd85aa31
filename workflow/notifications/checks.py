"""Start-up checks of the SMS settings that decide whether a message can be sent twice
(the window is described in delivery.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from .backends import HttpGatewaySmsBackend

# A lease must outlast the longest send by this factor: a worker is slow to record too.
LEASE_MARGIN = 2


@checks.register(checks.Tags.compatibility)
def check_sms_gateway_timeouts(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    gateway = getattr(settings, "SMS_GATEWAY", {}) or {}
    if not gateway.get("URL") or not settings.SMS_BACKEND.endswith("HttpGatewaySmsBackend"):
        return []
    try:
        backend = HttpGatewaySmsBackend()
    except ValueError as exc:
        return [checks.Error(str(exc), id="workflow.E101")]
    problems: list[checks.CheckMessage] = []
    longest = backend.longest_send_seconds()
    lease = float(settings.OUTBOX_LEASE_SECONDS)
    if lease < LEASE_MARGIN * longest:
        problems.append(checks.Error(
            f"OUTBOX_LEASE_SECONDS ({lease:g}) is shorter than {LEASE_MARGIN} x the longest "
            f"SMS send ({longest:g} s: SMS_GATEWAY_CONNECT_TIMEOUT x 2 addresses + "
            "SMS_GATEWAY_READ_TIMEOUT): a second worker could send a message still being sent.",
            hint=f"Set OUTBOX_LEASE_SECONDS to {LEASE_MARGIN * longest:g} or more, or shorten "
                 "the gateway time-outs.",
            id="workflow.E102",
        ))
    provider = float(gateway.get("PROVIDER_TIMEOUT") or 0)
    if provider and backend.read_timeout < provider:
        problems.append(checks.Warning(
            f"SMS_GATEWAY_READ_TIMEOUT ({backend.read_timeout:g} s) is shorter than the "
            f"gateway's own time-out ({provider:g} s): a message it accepts after we gave up "
            "is sent again by the retry.",
            hint="Set SMS_GATEWAY_READ_TIMEOUT to at least SMS_GATEWAY_PROVIDER_TIMEOUT.",
            id="workflow.W103",
        ))
    return problems
