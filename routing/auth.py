"""The log-in backend: Django's, reading with the user every role they hold.

Every staff page needs the person and their roles (selectors.actor_for). Django's backend
reads the user, then actor_for reads their province roles and their memberships: three
queries a page. This backend reads all three in the user's own query, as arrays; actor_for
uses them when they are there. The roles are read afresh on every request, so a role taken
away takes effect on the next page, as before.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .models import Membership, ProvinceRole, Unit


def _user_with_roles_sql() -> str:
    users = get_user_model()._meta
    pk = f"u.{users.pk.column}"
    # The columns by name, not u.*: the statement is prepared, and a column a migration adds
    # would change its result under a process still running ("cached plan must not change
    # result type").
    columns = ", ".join(f'u."{field.column}"' for field in users.concrete_fields)
    return (
        f"SELECT {columns}, "  # noqa: S608 — table and column names from the models, no input
        f"ARRAY(SELECT r.role FROM {ProvinceRole._meta.db_table} r WHERE r.user_id = {pk}) "
        f"AS held_roles, "
        f"ARRAY(SELECT m.unit_id || ':' || m.role FROM {Membership._meta.db_table} m "
        f"JOIN {Unit._meta.db_table} un ON un.id = m.unit_id "
        f"WHERE m.user_id = {pk} AND un.is_active) AS held_unit_roles "
        f"FROM {users.db_table} u WHERE {pk} = %s"
    )


class RolesBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        users = get_user_model()
        try:
            user_id = users._meta.pk.to_python(user_id)
        except Exception:  # noqa: BLE001 — a session with a malformed id logs nobody in
            return None
        found = list(users._default_manager.raw(_user_with_roles_sql(), [user_id]))
        if not found or not self.user_can_authenticate(found[0]):
            return None
        return found[0]
