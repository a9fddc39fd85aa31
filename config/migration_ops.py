"""A migration operation that writes PostgreSQL's schema change by hand."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.migrations.operations.base import Operation


class InPostgreSQL(Operation):
    """`operations` for the project's state; in the database, `sql` instead. For changes
    Django would write at a cost a large table feels: dropping a foreign key's index makes
    it drop and re-check the constraint over every row, and moving a unique flag to a
    constraint rebuilds the index, where DROP INDEX and RENAME CONSTRAINT take a moment."""

    reversible = True

    def __init__(self, operations: Sequence[Operation], sql: Sequence[str],
                 reverse_sql: Sequence[str]) -> None:
        self.operations = list(operations)
        self.sql = list(sql)
        self.reverse_sql = list(reverse_sql)

    def deconstruct(self):
        return (self.__class__.__qualname__, [],
                {"operations": self.operations, "sql": self.sql, "reverse_sql": self.reverse_sql})

    def state_forwards(self, app_label, state) -> None:
        for operation in self.operations:
            operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self.run(schema_editor, self.sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        self.run(schema_editor, self.reverse_sql)

    @staticmethod
    def run(schema_editor, statements: Sequence[str]) -> None:
        # A table with deferred foreign-key checks pending in this transaction refuses
        # CREATE and DROP INDEX: check them now, as Django's own field changes do.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", params=None)
        for statement in statements:
            schema_editor.execute(statement, params=None)

    def describe(self) -> str:
        return f"{len(self.operations)} field changes, written by hand for PostgreSQL"
