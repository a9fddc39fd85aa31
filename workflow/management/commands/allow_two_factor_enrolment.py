"""`manage.py allow_two_factor_enrolment USERNAME`: let one person set up two-factor log-in.

For the first administrator (made by `createsuperuser`), who has nobody to open the window
from the admin. Audited like the admin's action.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from routing.audit import record
from routing.models import AuditEvent, TwoFactorEnrolment


class Command(BaseCommand):
    help = ("Allow USERNAME to set up a two-factor authenticator at their next log-in, within "
            "the next HOURS hours (default 24).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--hours", type=int, default=TwoFactorEnrolment.HOURS)

    def handle(self, *args: Any, username: str, hours: int, **options: Any) -> None:
        if not 1 <= hours <= 7 * 24:
            raise CommandError("--hours must be between 1 and 168.")
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user is called {username!r}.")
        window = TwoFactorEnrolment.allow(user, hours=hours)
        record(AuditEvent.Action.CONFIG_CHANGED, obj=window,
               change="two_factor_enrolment_allowed", user_id=user.pk,
               until=window.enrol_until.isoformat(), via="command")
        self.stdout.write(f"{username} may set up two-factor log-in until "
                          f"{timezone.localtime(window.enrol_until):%Y-%m-%d %H:%M %Z}.")
