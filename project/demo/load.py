"""Load the demo in one transaction: calendars, reference rows, logins, then the cases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction

from workflow.models import Case
from workflow.sweep import sweep_deadlines

from .reference import allow_two_factor_enrolment, import_calendars, load_reference
from .specs import province
from .stories import KEY_PREFIX, DemoCases, Reference


def load_demo(*, password: str, now: Callable[[], datetime], say: Callable[[str], None]
              ) -> Reference:
    """Create whatever of the demo is missing; `now` is asked when the cases start and
    again for the sweep that follows them."""
    spec = province()
    with transaction.atomic():
        import_calendars(spec, say)
        ref = load_reference(spec, password)
        say(f"Reference data: {ref.created} rows created"
            if ref.created else "Reference data was there already; nothing changed.")
        allow_two_factor_enrolment(spec, ref.users)
        if Case.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
            say("Demo cases exist already; none were added.")
        else:
            demo = DemoCases(ref, now())
            demo.make_all()
            result = sweep_deadlines(now=now())
            say(f"Created {demo.count} demo cases; the deadline sweep sent "
                f"{result.reminders} reminders and marked {result.overdue} deadlines overdue.")
    return ref
