from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Case handling")

    def ready(self) -> None:
        from . import queue_cache, signals  # noqa: F401
        from .notifications import checks  # noqa: F401 — registers the SMS settings' checks
        from .privacy import entries

        queue_cache.connect()
        entries.register()
