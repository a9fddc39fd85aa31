"""`manage.py rotate_field_keys`: re-encrypt every encrypted secret with the first key.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS and keep the old ones after it, run
this, then remove the old keys. Safe to run again. A secret no key opens stops it with an
error (nothing is changed then: one transaction).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from routing import field_encryption
from routing.models import TwoFactorDevice


class Command(BaseCommand):
    help = "Re-encrypt the stored two-factor secrets with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        try:
            with transaction.atomic():
                devices = TwoFactorDevice.objects.select_for_update().only("pk", "encrypted_secret")
                for device in devices.order_by("pk"):
                    rotated = field_encryption.rotate(device.encrypted_secret)
                    TwoFactorDevice.objects.filter(pk=device.pk).update(encrypted_secret=rotated)
                    count += 1
        except field_encryption.FieldDecryptionError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        self.stdout.write(f"Re-encrypted {count} two-factor secrets with the first key.")
