"""workflow_fold_text(): a text in lower case without diacritics, the duplicate check's own.

The possible duplicates compare titles with pg_trgm's similarity() once both are folded
("Đèn đường" and "den duong" are alike). It used publishing's search function, which
workflow must not depend on; this is the same unaccent() then lower(), over one text.
unaccent() is only STABLE (its dictionary could change), so the wrapper names the
dictionary and is IMMUTABLE, usable in an index. The extensions are trusted: the database
owner may create them (publishing's migrations create them too, IF NOT EXISTS).
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0014_duplicates_waiting_index"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                "CREATE EXTENSION IF NOT EXISTS unaccent",
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                """
                CREATE OR REPLACE FUNCTION workflow_fold_text(value text)
                RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                  SELECT lower(public.unaccent('public.unaccent'::regdictionary,
                                               coalesce(value, '')))
                $$
                """,
            ],
            reverse_sql=["DROP FUNCTION IF EXISTS workflow_fold_text(text)"],
            elidable=False,
        ),
    ]
