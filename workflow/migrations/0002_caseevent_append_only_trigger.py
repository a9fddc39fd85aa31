"""The event log is append-only in the database too (SECURITY AU2), not just in the ORM.

Only a retention purge may delete old rows, and it must say so in its own transaction with
`SET LOCAL cong1022.allow_purge = 'on'`. SQLite (the embedded first-run default) relies on
the ORM guard alone.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION workflow_caseevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('cong1022.allow_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'workflow_caseevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER workflow_caseevent_append_only
    BEFORE UPDATE OR DELETE ON workflow_caseevent
    FOR EACH ROW EXECUTE FUNCTION workflow_caseevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS workflow_caseevent_append_only ON workflow_caseevent;
DROP FUNCTION IF EXISTS workflow_caseevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
