"""TRUNCATE cannot empty the audit log (SECURITY AU2), and two more audited actions.

The row trigger of 0002 refuses UPDATE and DELETE, but TRUNCATE fires no row trigger: a
statement trigger refuses it too, named or reached through a CASCADE (`TRUNCATE auth_user
CASCADE` empties every table that refers to the users). Only maintenance that replaces a whole
database may, inside its own transaction, after `routing.audit.permit_emptying_logs` set
`cong1022.allow_emptying_logs` for that transaction: `manage.py flush` (routing's own flush
command, which the test database's flush between transactional tests runs too) and the
benchmark's seed. The function is shared: workflow attaches it to its case event log.
SQLite (the embedded first-run default) relies on the ORM guard alone.
"""

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION cong1022_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('cong1022.allow_emptying_logs', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only (TRUNCATE refused)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER routing_auditevent_refuse_truncate
    BEFORE TRUNCATE ON routing_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION cong1022_refuse_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS routing_auditevent_refuse_truncate ON routing_auditevent;
DROP FUNCTION IF EXISTS cong1022_refuse_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the `%` of RAISE stays literal.
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('routing', '0005_leaner_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('login_succeeded', 'Logged in'), ('login_failed', 'Log-in failed'), ('locked_out', 'Locked out'), ('logged_out', 'Logged out'), ('permission_denied', 'Permission denied'), ('role_changed', 'Role changed'), ('two_factor_enabled', 'Two-factor authentication enabled'), ('two_factor_failed', 'Two-factor code refused'), ('contact_revealed', 'Reporter contact revealed'), ('export', 'Export'), ('config_changed', 'Configuration changed'), ('personal_data', 'Personal data request handled'), ('case_event', 'Case event'), ('admin_changed', 'Changed in the admin')], max_length=32, verbose_name='action'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
