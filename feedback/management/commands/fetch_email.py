"""`manage.py fetch_email`: read the 1022 mailbox now, as the beat does every few minutes.

    manage.py fetch_email              # each new message becomes a received case
    manage.py fetch_email --limit 10   # at most 10 messages this time

Messages already read are \\Seen and skipped; one read again (marked unread, delivered twice)
makes no second case. Those that cannot become a case are \\Flagged in the mailbox. Output is
for the operator, in plain English, with counts only.
"""

import imaplib
from argparse import ArgumentParser
from dataclasses import replace
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from feedback.channels.email_intake import MailboxSettings, fetch_new_messages


class Command(BaseCommand):
    help = "Read new messages of the 1022 mailbox (EMAIL_INTAKE_*) into received cases."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--limit", type=int, default=None,
                            help="Read at most this many messages (EMAIL_INTAKE_BATCH).")

    def handle(self, *args: Any, **options: Any) -> None:
        config = MailboxSettings.from_settings()
        if not config.configured:
            raise CommandError("E-mail intake is off: EMAIL_INTAKE_HOST is not set.")
        if options["limit"] is not None:
            if options["limit"] < 1:
                raise CommandError("--limit must be at least 1.")
            config = replace(config, batch=options["limit"])
        try:
            result = fetch_new_messages(config)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise CommandError(
                f"Could not read {config.mailbox} on {config.host}:{config.port}: "
                f"{type(exc).__name__}: {exc}"
            ) from None
        self.stdout.write(
            f"{result.read} message(s) read: {result.created} new case(s), "
            f"{result.repeated} seen before, {result.refused} refused (flagged), "
            f"{result.failed} failed (read again next time)."
        )
        for reason in result.reasons:
            self.stdout.write(f"  refused: {reason}")
