"""TRUNCATE cannot empty the case event log either (SECURITY AU2).

The row trigger of 0002 refuses UPDATE and DELETE; TRUNCATE fires no row trigger, so a
statement trigger refuses it, with routing's function (see routing 0006): only maintenance
that replaces a whole database may, in its own transaction, after
`routing.audit.permit_emptying_logs`. SQLite relies on the ORM guard alone.
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER workflow_caseevent_refuse_truncate
    BEFORE TRUNCATE ON workflow_caseevent
    FOR EACH STATEMENT EXECUTE FUNCTION cong1022_refuse_truncate();
"""
DROP = "DROP TRIGGER IF EXISTS workflow_caseevent_refuse_truncate ON workflow_caseevent;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0019_sent_messages"),
        ("routing", "0006_audit_truncate_guard_and_actions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
