"""Indexes for the periodic report: the stages and figures of a period, read by their end."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0009_possible_duplicates"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=models.Q(("published_at__isnull", False)),
                               fields=["published_at"], name="case_published_at"),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(condition=models.Q(("state", "approved")),
                               fields=["approved_at"], name="assignment_approved"),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(condition=models.Q(("accepted_at__isnull", False)),
                               fields=["accepted_at"], name="assignment_accepted"),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(condition=models.Q(("submitted_at__isnull", False)),
                               fields=["submitted_at"], name="assignment_submitted"),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(condition=models.Q(("kind", "dispatched")),
                               fields=["case", "at", "id"], name="event_dispatched_case"),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(condition=models.Q(("kind", "mark_approved")),
                               fields=["case", "at"], name="event_approved_case"),
        ),
    ]
