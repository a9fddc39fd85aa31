from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Citizen feedback")

    def ready(self) -> None:
        from workflow.attachments import register_case_attachments

        from .case_attachments import STAFF_CASE_PAGE

        register_case_attachments(STAFF_CASE_PAGE)
