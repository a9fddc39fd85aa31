"""A migration operation that writes PostgreSQL's schema change by hand."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.migrations.operations.base import Operation


class InPostgreSQL(Operation):
    """`operations` for the project's state and for any other database (the first run's
    SQLite); on PostgreSQL, `sql` instead. For changes Django would write at a cost a
    large table feels: dropping a foreign key's index makes it drop and re-check the
    constraint over every row, and moving a unique flag to a constraint rebuilds the
    index, where DROP INDEX and RENAME CONSTRAINT take a moment."""

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
        if schema_editor.connection.vendor == "postgresql":
            self.run(schema_editor, self.sql)
            return
        for operation in self.operations:
            state = from_state.clone()
            operation.state_forwards(app_label, state)
            operation.database_forwards(app_label, schema_editor, from_state, state)
            from_state = state

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            self.run(schema_editor, self.reverse_sql)
            return
        # Each operation's states before and after it, undone last first.
        states = [to_state]
        for operation in self.operations:
            state = states[-1].clone()
            operation.state_forwards(app_label, state)
            states.append(state)
        for index in reversed(range(len(self.operations))):
            self.operations[index].database_backwards(app_label, schema_editor,
                                                      states[index + 1], states[index])

    @staticmethod
    def run(schema_editor, statements: Sequence[str]) -> None:
        # A table with deferred foreign-key checks pending in this transaction refuses
        # CREATE and DROP INDEX: check them now, as Django's own field changes do.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", params=None)
        for statement in statements:
            schema_editor.execute(statement, params=None)

    def describe(self) -> str:
        return f"{len(self.operations)} field changes, written by hand for PostgreSQL"
