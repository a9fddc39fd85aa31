# The signed reply letters move from reports to workflow, beside the drafts they sign. The
# table and its rows stay as they are: the model is created here in the project's state
# only, then taken out of reports' state (reports 0003) and its table renamed (0017).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import workflow.models.letters


def _rename_content_type(apps, old: str, new: str) -> None:
    """Keep the permissions and the admin's log of the letters: their content type follows
    the model, unless the new one was already made by an earlier run."""
    content_types = apps.get_model("contenttypes", "ContentType")
    if content_types.objects.filter(app_label=new, model="signedletter").exists():
        return
    content_types.objects.filter(app_label=old, model="signedletter").update(app_label=new)


def to_workflow(apps, schema_editor) -> None:
    _rename_content_type(apps, "reports", "workflow")


def to_reports(apps, schema_editor) -> None:
    _rename_content_type(apps, "workflow", "reports")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('reports', '0002_leaner_indexes'),
        ('workflow', '0015_fold_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SignedLetter',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(upload_to=workflow.models.letters._private_upload_path, verbose_name='signed letter')),
                        ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                        ('size', models.PositiveIntegerField(verbose_name='size in bytes')),
                        ('has_signature', models.BooleanField(default=False, help_text='The PDF holds a /Sig or /ByteRange entry; it is not verified.', verbose_name='has a signature dictionary')),
                        ('uploaded_at', models.DateTimeField(verbose_name='uploaded at')),
                        ('assignment', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='signed_letters', to='workflow.assignment')),
                        ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'signed reply letter',
                        'verbose_name_plural': 'signed reply letters',
                        'db_table': 'reports_signedletter',
                        'indexes': [models.Index(fields=['assignment', '-uploaded_at'], name='signed_letter_latest')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(to_workflow, to_reports),
    ]
