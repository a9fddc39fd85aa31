# The signed letters' table takes workflow's name once reports no longer claims it: a rename
# of the table, its rows untouched. Its primary key and id sequence take the names a fresh
# database gives them; the other indexes and constraints keep theirs (Django finds them by
# their columns).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_signed_letter_to_workflow'),
        ('workflow', '0016_signed_letter_from_reports'),
    ]

    operations = [
        migrations.AlterModelTable(name='signedletter', table=None),
        migrations.RunSQL(
            sql=[
                "ALTER TABLE workflow_signedletter"
                " RENAME CONSTRAINT reports_signedletter_pkey TO workflow_signedletter_pkey",
                "ALTER SEQUENCE IF EXISTS reports_signedletter_id_seq"
                " RENAME TO workflow_signedletter_id_seq",
            ],
            reverse_sql=[
                "ALTER SEQUENCE IF EXISTS workflow_signedletter_id_seq"
                " RENAME TO reports_signedletter_id_seq",
                "ALTER TABLE workflow_signedletter"
                " RENAME CONSTRAINT workflow_signedletter_pkey TO reports_signedletter_pkey",
            ],
        ),
    ]
