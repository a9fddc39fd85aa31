"""The coordinator's queue read in its deadline order, and counted, from a partial index."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0010_report_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("on_hold", False),
                                   ("state__in", ["received", "classified", "approved",
                                                  "reopened"])),
                fields=["due_at", "received_at", "id"], name="case_coordinator_queue",
            ),
        ),
    ]
