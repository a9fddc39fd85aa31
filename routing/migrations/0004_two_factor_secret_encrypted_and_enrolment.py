"""Two-factor hardening (SECURITY AC5).

- TOTP secrets are encrypted at rest: the column becomes `encrypted_secret` and every stored
  clear secret is encrypted with the first key of FIELD_ENCRYPTION_KEYS (or the key derived
  from SECRET_KEY). Going back decrypts them.
- Enrolment needs the administrator's permission, open until a time (TwoFactorEnrolment).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from routing import field_encryption


def encrypt_secrets(apps, schema_editor):
    Device = apps.get_model("routing", "TwoFactorDevice")
    for device in Device.objects.only("pk", "encrypted_secret").iterator():
        if not field_encryption.looks_encrypted(device.encrypted_secret):
            device.encrypted_secret = field_encryption.encrypt(device.encrypted_secret)
            device.save(update_fields=["encrypted_secret"])


def decrypt_secrets(apps, schema_editor):
    Device = apps.get_model("routing", "TwoFactorDevice")
    for device in Device.objects.only("pk", "encrypted_secret").iterator():
        if field_encryption.looks_encrypted(device.encrypted_secret):
            device.encrypted_secret = field_encryption.decrypt(device.encrypted_secret)
            device.save(update_fields=["encrypted_secret"])


class Migration(migrations.Migration):

    dependencies = [
        ("routing", "0003_audit_personal_data_action"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name="twofactordevice", old_name="secret", new_name="encrypted_secret",
        ),
        migrations.AlterField(
            model_name="twofactordevice",
            name="encrypted_secret",
            field=models.TextField(verbose_name="encrypted secret"),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        migrations.CreateModel(
            name="TwoFactorEnrolment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("enrol_until", models.DateTimeField(verbose_name="may enrol until")),
                ("opened_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="allowed at")),
                ("opened_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="allowed by")),
                ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="two_factor_enrolment", to=settings.AUTH_USER_MODEL, verbose_name="user")),
            ],
            options={
                "verbose_name": "two-factor enrolment permission",
                "verbose_name_plural": "two-factor enrolment permissions",
            },
        ),
    ]
