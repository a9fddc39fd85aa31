from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Citizen feedback")

    def ready(self) -> None:
        from workflow.attachments import register_case_attachments

        from . import personal_data, replies
        from .case_attachments import STAFF_CASE_PAGE

        personal_data.register()
        replies.register()
        register_case_attachments(STAFF_CASE_PAGE)
