"""Who is told of every new case: the active coordinators with an e-mail address.

Every submission writes one e-mail to each of them in the outbox (Art. 7: the coordination
centre checks new cases within its working hours), and so does a case a unit returns, one
its leaders approve and one a reporter reopens. Read from the database that is a query
of the users and their roles on every submission; it is kept in the cache instead, until a
user or a province role is saved or deleted (connect(), called from
apps.ready()). A list that is a moment stale costs nothing: the delivery reads the address
at send time and skips a person who has left (workflow.notifications.delivery).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from config.generations import bump_on_change, kept

from .models import ProvinceRole

GENERATION_KEY = "routing:generation:coordinators"
KEEP_SECONDS = 10 * 60  # an upper bound for a change no signal announced (a bulk update)


def _coordinators_to_mail() -> list[int]:
    return sorted(
        get_user_model().objects.filter(
            is_active=True, province_roles__role=ProvinceRole.Role.COORDINATOR,
        ).exclude(email="").values_list("pk", flat=True).distinct()
    )


def coordinators_to_mail() -> list[int]:
    """The user ids of the active coordinators who have an e-mail address (the cache, or
    one query)."""
    return kept("routing:coordinators:mail", GENERATION_KEY, _coordinators_to_mail,
                KEEP_SECONDS)


def connect() -> None:
    bump_on_change(GENERATION_KEY, get_user_model(), ProvinceRole)
