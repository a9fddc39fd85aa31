from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from workflow.navigation import StaffPage, register_staff_page

        from .access import may_see_reports

        register_staff_page(StaffPage("reports", "reports:dashboard", _("Reports"),
                                      may_see_reports))
