# The signed reply letters now belong to workflow (workflow 0015 took them into its state):
# taken out of reports' state only, the table and its rows are kept.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_leaner_indexes'),
        ('workflow', '0016_signed_letter_from_reports'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='SignedLetter')],
            database_operations=[],
        ),
    ]
