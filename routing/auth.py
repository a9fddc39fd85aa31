"""The log-in backend: Django's, reading with the user every role they hold, and finding the
user under the one normal form of a typed name.

One form of a user name (SECURITY AC5): `normalise_username` is the only reading of a name a
person typed. The log-in looks the user up by it, and the lockout, the code step and enrolment
(workflow/auth.py) count failures under it, so "Admin", " admin " and the full-width "ａｄｍｉｎ"
are one name to all of them: a name under lockout has no other spelling that logs in. Django's
own lookup is exact after NFKC; ours also folds case, because phone keyboards capitalise the
first letter. Should two accounts differ only in case (Django's user form refuses to make such
a pair, but older rows or scripts might), each logs in under its exact name and any other
spelling logs in neither; the counters are shared, which only errs on the side of locking.

Every staff page needs the person and their roles (selectors.actor_for). Django's backend
reads the user, then actor_for reads their province roles and their memberships: three
queries a page. This backend reads all three in the user's own query, as arrays; actor_for
uses them when they are there. The roles are read afresh on every request, so a role taken
away takes effect on the next page, as before.
"""

from __future__ import annotations

import unicodedata
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


def normalise_username(raw: str) -> str:
    """The one form of a typed user name: compatibility characters folded (NFKC, as Django's
    log-in form does), case folded, surrounding whitespace dropped. Idempotent."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw or "").casefold())
    return folded.strip()


def find_user(typed: str) -> Any:
    """The user a typed name means, or None: the one account whose name has the same normal
    form, or, if several have, the one spelt exactly as typed (after NFKC)."""
    users = get_user_model()
    wanted = normalise_username(typed)
    exact = unicodedata.normalize("NFKC", typed or "").strip()
    if not wanted:
        return None
    # iexact narrows in SQL; the normal form decides (upper() and casefold() differ at edges).
    candidates = [user for user in users._default_manager.filter(
        **{f"{users.USERNAME_FIELD}__iexact": exact})
        if normalise_username(user.get_username()) == wanted]
    if len(candidates) > 1:
        candidates = [user for user in candidates if user.get_username() == exact]
    return candidates[0] if len(candidates) == 1 else None


class RolesBackend(ModelBackend):
    def authenticate(self, request: Any, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Any:
        users = get_user_model()
        if username is None:
            username = kwargs.get(users.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Hash anyway, so an unknown name takes as long as a wrong password (as Django does).
            users().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

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
