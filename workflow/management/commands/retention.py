"""`manage.py retention`: apply the retention periods of SECURITY DP6 now.

    manage.py retention                 # purge and anonymise, print the counts
    manage.py retention --dry-run       # only count what would go
    manage.py retention --now 2026-05-01T02:30:00+07:00

Deletes rejected cases older than RETENTION_REJECTED_DAYS (with their events, messages and
files), empties raw channel payloads older than that period, and blanks the reporter's
contact data of cases closed longer than RETENTION_ANONYMISE_DAYS; deletes abuse list
entries past ABUSE_LIST_RETENTION_DAYS or switched off, and kept sent messages past
SENT_MESSAGES_RETENTION_DAYS. Safe to run again: a
second run reports zeros. Output is for the operator, in plain English.
"""

from argparse import ArgumentParser
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from workflow.privacy.retention import default_anonymise_days, default_rejected_days, purge

LABELS = {
    "cases_purged": "rejected cases deleted",
    "events_purged": "their events deleted",
    "outbox_purged": "their outgoing messages deleted",
    "attachments_purged": "their attachments deleted",
    "photos_purged": "their evidence photos deleted",
    "files_deleted": "files removed from storage",
    "payloads_purged": "raw channel payloads emptied",
    "cases_anonymised": "closed cases anonymised",
    "abuse_list_purged": "abuse list entries deleted",
    "sent_messages_purged": "kept sent messages deleted",
}


class Command(BaseCommand):
    help = (
        "Delete rejected cases past their retention period and anonymise the reporter's "
        "contact data of long-closed cases (SECURITY DP6). Idempotent."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="Count what would be deleted or anonymised; change nothing.")
        parser.add_argument("--now", metavar="INSTANT",
                            help="Act as of this ISO 8601 instant (local time without an "
                                 "offset) instead of the current time.")
        parser.add_argument("--rejected-days", type=int, default=None,
                            help="Override RETENTION_REJECTED_DAYS.")
        parser.add_argument("--anonymise-days", type=int, default=None,
                            help="Override RETENTION_ANONYMISE_DAYS.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = self._instant(options["now"]) if options["now"] else timezone.now()
        rejected = options["rejected_days"]
        anonymise = options["anonymise_days"]
        rejected = default_rejected_days() if rejected is None else rejected
        anonymise = default_anonymise_days() if anonymise is None else anonymise
        try:
            result = purge(now=now, rejected_after_days=rejected,
                           anonymise_after_days=anonymise, dry_run=options["dry_run"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        mode = "Dry run, nothing changed" if options["dry_run"] else "Retention applied"
        self.stdout.write(
            f"{mode} as of {timezone.localtime(now).isoformat()} "
            f"(rejected after {rejected} days, anonymised after {anonymise} days):"
        )
        for key, value in result.as_dict().items():
            self.stdout.write(f"  {LABELS.get(key, key)}: {value}")

    @staticmethod
    def _instant(value: str) -> datetime:
        try:
            instant = parse_datetime(value)
        except ValueError:
            instant = None
        if instant is None:
            raise CommandError(f"--now: not an ISO 8601 instant: {value!r}")
        if timezone.is_naive(instant):
            instant = timezone.make_aware(instant)
        return instant
