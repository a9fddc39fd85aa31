"""The public search reads a narrow table of search documents instead of the cases.

Searching the cases through the trigram index of 0001 cost, at a million cases, a scan of
the posting lists of trigrams that nearly every answer holds ("duo", "uon", "ong"…) and then
unaccent() again on every row it read. Here each public case has one row: its words without
diacritics as a tsvector (positions dropped), searched by words ("duong & ngap") through a
GIN index, whose cost follows the rarest word; or read newest first, in the order of its
second index, when the words are common (publishing.selectors.answer_page).

Kept by triggers on workflow_case, in the same transaction as the change: a row is added or
updated while its case is published, neither confidential nor a state secret, and removed
otherwise; the foreign key removes it with its case (and TRUNCATE … CASCADE empties it). The
triggers fire ALWAYS, even under session_replication_role = replica (the bench's COPY load);
inserts are handled per statement, so a COPY of many cases folds them in one INSERT … SELECT.

The trigram index of 0001 served only the public search: it goes. The function
publishing_search_text() stays (0002 and the duplicate check use it). The table is Django's
(so a test database's flush truncates it with the cases); the rest is PostgreSQL only, and
on SQLite the table stays empty: a search there reads the cases themselves
(publishing.selectors, publishing/apps.py).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import migrations, models

PUBLIC = "state = 'published' AND NOT is_confidential AND NOT is_state_secret"

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION publishing_search_document(title text, content text, reply text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT strip(to_tsvector('pg_catalog.simple'::regconfig, regexp_replace(
        public.publishing_search_text(title, content, reply), '[^[:alnum:]]+', ' ', 'g')))
    $$
    """,
    """
    ALTER TABLE publishing_searchdocument ADD CONSTRAINT publishing_searchdocument_case
    FOREIGN KEY (case_id) REFERENCES workflow_case (id) ON DELETE CASCADE
    """,
    f"""
    CREATE FUNCTION publishing_cases_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO publishing_searchdocument (case_id, published_at, document)
      SELECT id, published_at, publishing_search_document(title, content, reply_text)
      FROM inserted_cases WHERE {PUBLIC};
      RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION publishing_case_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.state = 'published' AND NOT NEW.is_confidential AND NOT NEW.is_state_secret THEN
        INSERT INTO publishing_searchdocument (case_id, published_at, document)
        VALUES (NEW.id, NEW.published_at,
                publishing_search_document(NEW.title, NEW.content, NEW.reply_text))
        ON CONFLICT (case_id) DO UPDATE
        SET published_at = EXCLUDED.published_at, document = EXCLUDED.document;
      ELSE
        DELETE FROM publishing_searchdocument WHERE case_id = NEW.id;
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER publishing_cases_inserted AFTER INSERT ON workflow_case
    REFERENCING NEW TABLE AS inserted_cases
    FOR EACH STATEMENT EXECUTE FUNCTION publishing_cases_inserted()
    """,
    # Most saves of a case change none of these: the trigger is then not even called.
    """
    CREATE TRIGGER publishing_case_updated AFTER UPDATE ON workflow_case FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state
          OR OLD.is_confidential IS DISTINCT FROM NEW.is_confidential
          OR OLD.is_state_secret IS DISTINCT FROM NEW.is_state_secret
          OR OLD.published_at IS DISTINCT FROM NEW.published_at
          OR OLD.title IS DISTINCT FROM NEW.title
          OR OLD.content IS DISTINCT FROM NEW.content
          OR OLD.reply_text IS DISTINCT FROM NEW.reply_text)
    EXECUTE FUNCTION publishing_case_updated()
    """,
    "ALTER TABLE workflow_case ENABLE ALWAYS TRIGGER publishing_cases_inserted",
    "ALTER TABLE workflow_case ENABLE ALWAYS TRIGGER publishing_case_updated",
    # After the triggers, in the same transaction: no change to a case can fall in between.
    f"""
    INSERT INTO publishing_searchdocument (case_id, published_at, document)
    SELECT id, published_at, publishing_search_document(title, content, reply_text)
    FROM workflow_case WHERE {PUBLIC} ORDER BY published_at, id
    """,
    """
    CREATE INDEX publishing_searchdocument_newest
    ON publishing_searchdocument (published_at DESC, case_id DESC)
    """,
    "CREATE INDEX publishing_searchdocument_words ON publishing_searchdocument USING gin (document)",
    "ANALYZE publishing_searchdocument",
    "DROP INDEX IF EXISTS publishing_case_search_trgm",
]

BACKWARD = [
    f"""
    CREATE INDEX IF NOT EXISTS publishing_case_search_trgm ON workflow_case
    USING gin (publishing_search_text(title, content, reply_text) gin_trgm_ops)
    WHERE {PUBLIC}
    """,
    "DROP TRIGGER IF EXISTS publishing_case_updated ON workflow_case",
    "DROP TRIGGER IF EXISTS publishing_cases_inserted ON workflow_case",
    "DROP FUNCTION IF EXISTS publishing_case_updated()",
    "DROP FUNCTION IF EXISTS publishing_cases_inserted()",
    "DROP INDEX IF EXISTS publishing_searchdocument_words",
    "DROP INDEX IF EXISTS publishing_searchdocument_newest",
    "DROP FUNCTION IF EXISTS publishing_search_document(text, text, text)",
]


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("publishing", "0001_search_index"),
        ("workflow", "0003_assignment_open_inbox"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("case", models.OneToOneField(
                    db_constraint=False, on_delete=models.deletion.DO_NOTHING,
                    primary_key=True, related_name="search_document", serialize=False,
                    to="workflow.case")),
                ("published_at", models.DateTimeField(null=True)),
                ("document", SearchVectorField()),
            ],
            options={"db_table": "publishing_searchdocument"},
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
