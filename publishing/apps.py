from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _register_sqlite_functions(sender, connection, **kwargs) -> None:
    """On SQLite the search function is Python (PostgreSQL's is created by a migration)."""
    if connection.vendor != "sqlite":
        return
    from .text import SEARCH_FUNCTION, search_text

    connection.connection.create_function(SEARCH_FUNCTION, 3, search_text, deterministic=True)


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        connection_created.connect(_register_sqlite_functions,
                                   dispatch_uid="publishing_sqlite_functions")
