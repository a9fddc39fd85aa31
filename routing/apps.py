from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = _("Units and categories")

    def ready(self) -> None:
        from . import admin_audit, choices, recipients, signals  # noqa: F401

        choices.connect()
        recipients.connect()
