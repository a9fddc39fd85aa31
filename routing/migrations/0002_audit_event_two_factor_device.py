"""The audit log and two-factor devices (SECURITY AU1, AU2, AC5).

The audit log is append-only in the database too, not just in the ORM: a trigger refuses
UPDATE and DELETE. Only a retention purge run by hand may delete old rows, and it must say so
in its own transaction with `SET LOCAL cong1022.allow_audit_purge = 'on'`. SQLite (the embedded
first-run default) relies on the ORM guard alone.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION routing_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('cong1022.allow_audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'routing_auditevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER routing_auditevent_append_only
    BEFORE UPDATE OR DELETE ON routing_auditevent
    FOR EACH ROW EXECUTE FUNCTION routing_auditevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS routing_auditevent_append_only ON routing_auditevent;
DROP FUNCTION IF EXISTS routing_auditevent_append_only();
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
        ('routing', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='TwoFactorDevice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('secret', models.CharField(max_length=64, verbose_name='secret')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed at')),
                ('last_used_step', models.BigIntegerField(default=0, verbose_name='last used time step')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='two_factor_device', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'two-factor device',
                'verbose_name_plural': 'two-factor devices',
            },
        ),
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='at')),
                ('username_tried', models.CharField(blank=True, max_length=150, verbose_name='user name tried')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                ('action', models.CharField(choices=[('login_succeeded', 'Logged in'), ('login_failed', 'Log-in failed'), ('locked_out', 'Locked out'), ('logged_out', 'Logged out'), ('permission_denied', 'Permission denied'), ('role_changed', 'Role changed'), ('two_factor_enabled', 'Two-factor authentication enabled'), ('two_factor_failed', 'Two-factor code refused'), ('contact_revealed', 'Reporter contact revealed'), ('export', 'Export'), ('config_changed', 'Configuration changed')], max_length=32, verbose_name='action')),
                ('outcome', models.CharField(default='ok', max_length=16, verbose_name='outcome')),
                ('object_type', models.CharField(blank=True, max_length=64, verbose_name='object type')),
                ('object_id', models.CharField(blank=True, max_length=64, verbose_name='object id')),
                ('detail', models.JSONField(blank=True, default=dict, verbose_name='detail')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
            ],
            options={
                'verbose_name': 'audit event',
                'verbose_name_plural': 'audit events',
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['action', 'at'], name='audit_action_at'), models.Index(fields=['actor', 'at'], name='audit_actor_at')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
