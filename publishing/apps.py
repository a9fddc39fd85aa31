from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _register_sqlite_functions(sender, connection, **kwargs) -> None:
    """On SQLite the search functions are Python (PostgreSQL's are created by migrations)."""
    if connection.vendor != "sqlite":
        return
    from .text import SEARCH_FUNCTION, WORDS_FUNCTION, search_text, search_words_text

    connection.connection.create_function(SEARCH_FUNCTION, 3, search_text, deterministic=True)
    connection.connection.create_function(WORDS_FUNCTION, 3, search_words_text,
                                          deterministic=True)


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        connection_created.connect(_register_sqlite_functions,
                                   dispatch_uid="publishing_sqlite_functions")
        from . import signals

        signals.connect()
