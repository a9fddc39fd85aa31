"""Django's `flush`, which may empty the append-only logs (SECURITY AU2).

The logs refuse TRUNCATE (migration routing 0006) unless the transaction says it replaces the
whole database. `flush` does: it asks before it starts and empties every table. The test
database's flush between transactional tests runs this command too.
"""

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from routing.audit import permit_emptying_logs


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        # One transaction: the permission ends with the flush, whatever happens inside it.
        with transaction.atomic(using=connection.alias):
            permit_emptying_logs(connection)
            super().handle(**options)
