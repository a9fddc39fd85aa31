"""What makes a cached public page stale (publishing/caching.py), connected in apps.ready().

A case page's key holds the case's `updated_at`, which every save changes; these receivers
cover the rest: the lists; the names every page shows; and what belongs to a case without
saving it, such as a signed reply letter (rare enough to refresh every page for).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from routing.models import Area, Category, Unit
from workflow.models import Case, SignedLetter

from .caching import lists_changed, names_changed


def case_saved_or_deleted(sender: type[Case], instance: Case, **kwargs: Any) -> None:
    """A case that is or was published may enter, leave or change a public list."""
    if instance.published_at is not None or instance.state == Case.State.PUBLISHED:
        lists_changed()


def name_saved_or_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    names_changed()


def connect() -> None:
    shared: list[type] = [Category, Unit, Area, SignedLetter]
    for signal in (post_save, post_delete):
        signal.connect(case_saved_or_deleted, sender=Case,
                       dispatch_uid=f"publishing_case_{signal is post_save}")
        for model in shared:
            signal.connect(name_saved_or_deleted, sender=model,
                           dispatch_uid=f"publishing_{model.__name__}_{signal is post_save}")
