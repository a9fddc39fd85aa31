# The signed letters' table takes workflow's name once reports no longer claims it; a rename
# of the table, its rows, indexes and constraints untouched.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_signed_letter_to_workflow'),
        ('workflow', '0016_signed_letter_from_reports'),
    ]

    operations = [
        migrations.AlterModelTable(name='signedletter', table=None),
    ]
