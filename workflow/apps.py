from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Case handling")

    def ready(self) -> None:
        from . import signals  # noqa: F401
