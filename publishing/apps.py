from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from django.urls import reverse

        from workflow.answer_links import register_answer_path

        from . import signals

        signals.connect()
        register_answer_path(lambda pk: reverse("publishing:answer", args=[pk]))
