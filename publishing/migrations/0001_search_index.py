"""Search that ignores diacritics over published answers, on PostgreSQL.

unaccent and pg_trgm are trusted extensions: the database owner may create them. unaccent()
is only STABLE (its dictionary could change), so an index needs an IMMUTABLE wrapper that
names the dictionary; publishing_search_text() is that wrapper, over the three columns a
citizen searches. The trigram index serves LIKE '%term%' and holds only published public
cases. SQLite gets a Python twin of the function at connection time (publishing/apps.py).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    CREATE OR REPLACE FUNCTION publishing_search_text(title text, content text, reply text)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT lower(public.unaccent('public.unaccent'::regdictionary,
        coalesce(title, '') || ' ' || coalesce(content, '') || ' ' || coalesce(reply, '')))
    $$
    """,
    """
    CREATE INDEX IF NOT EXISTS publishing_case_search_trgm ON workflow_case
    USING gin (publishing_search_text(title, content, reply_text) gin_trgm_ops)
    WHERE state = 'published' AND NOT is_confidential AND NOT is_state_secret
    """,
]

BACKWARD = [
    "DROP INDEX IF EXISTS publishing_case_search_trgm",
    "DROP FUNCTION IF EXISTS publishing_search_text(text, text, text)",
]


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0003_assignment_open_inbox"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
