"""The breaker is found by its name, never with LIKE: the primary key's LIKE-only twin
would be written with every change and serve no query. A migration of its own, because
Django creates that index at the end of the migration that creates the table."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0021_gateway_breaker"),
    ]

    operations = [
        migrations.RunSQL(
            'DROP INDEX IF EXISTS "workflow_gatewaybreaker_name_dea8dd33_like"',
            'CREATE INDEX "workflow_gatewaybreaker_name_dea8dd33_like"'
            ' ON "workflow_gatewaybreaker" ("name" varchar_pattern_ops)',
        ),
    ]
