"""Reads about people's roles, used by every other app."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from .models import Membership, NotificationPreference, ProvinceRole, Unit


@dataclass(frozen=True)
class Actor:
    """Who is acting, with every role they hold, read once per request or service call.

    `user` is None for the system itself (the deadline sweep) and for a reporter acting
    through their tracking code (`is_reporter`).
    """

    user: User | None = None
    is_coordinator: bool = False
    is_supervisor: bool = False
    is_admin: bool = False
    is_reporter: bool = False
    is_system: bool = False
    staff_units: frozenset[int] = field(default_factory=frozenset)
    leader_units: frozenset[int] = field(default_factory=frozenset)

    @property
    def units(self) -> frozenset[int]:
        return self.staff_units | self.leader_units

    def is_member_of(self, unit_id: int) -> bool:
        return unit_id in self.staff_units or unit_id in self.leader_units

    def is_leader_of(self, unit_id: int) -> bool:
        return unit_id in self.leader_units

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None


SYSTEM = Actor(is_system=True)
REPORTER = Actor(is_reporter=True)


def actor_for(user: User | AnonymousUser | None) -> Actor:
    """Every role `user` holds: read with the user by the log-in backend (routing.auth),
    or here in two queries."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Actor()
    province_roles = getattr(user, "held_roles", None)
    unit_roles = getattr(user, "held_unit_roles", None)
    if province_roles is None or unit_roles is None:
        roles = set(ProvinceRole.objects.filter(user=user).values_list("role", flat=True))
        memberships = list(Membership.objects.filter(user=user, unit__is_active=True)
                           .values_list("unit_id", "role"))
    else:
        roles = set(province_roles)
        memberships = [(int(unit_id), role) for unit_id, _, role in
                       (pair.partition(":") for pair in unit_roles)]
    staff: set[int] = set()
    leader: set[int] = set()
    for unit_id, role in memberships:
        (leader if role == Membership.Role.LEADER else staff).add(unit_id)
    return Actor(
        user=user,
        is_coordinator=ProvinceRole.Role.COORDINATOR in roles,
        is_supervisor=ProvinceRole.Role.SUPERVISOR in roles,
        is_admin=bool(user.is_superuser),
        staff_units=frozenset(staff),
        leader_units=frozenset(leader),
    )


def unit_member_ids(unit_id: int, role: str | None = None) -> list[int]:
    """The user ids of a unit's members, optionally of one role."""
    qs = Membership.objects.filter(unit_id=unit_id, user__is_active=True)
    if role:
        qs = qs.filter(role=role)
    return list(qs.values_list("user_id", flat=True))


def urgent_sms_user_ids(user_ids: Iterable[int] | QuerySet) -> list[int]:
    """Of `user_ids` (a list, or a query of ids run as a subquery), the active users who
    chose to take their urgent notices by SMS too."""
    return list(NotificationPreference.objects.filter(
        user_id__in=user_ids, user__is_active=True, urgent_by_sms=True,
    ).exclude(sms_phone="").values_list("user_id", flat=True))


def urgent_sms_phone(user_id: int) -> str:
    """The phone a staff member takes urgent SMS on, or "" when they no longer do (read at
    send time: a change applies to what is waiting)."""
    return NotificationPreference.objects.filter(
        user_id=user_id, user__is_active=True, urgent_by_sms=True,
    ).values_list("sms_phone", flat=True).first() or ""


def coordinator_ids() -> list[int]:
    return list(
        ProvinceRole.objects.filter(
            role=ProvinceRole.Role.COORDINATOR, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def units_without_required_roles() -> list[Unit]:
    """Active units that lack a leader or a staff member (Art. 17.1)."""
    units = Unit.objects.filter(is_active=True).prefetch_related("memberships")
    return [
        u for u in units
        if {m.role for m in u.memberships.all()} != {Membership.Role.STAFF, Membership.Role.LEADER}
    ]


def person_name(last_name: str, first_name: str, username: str) -> str:
    """A person's name as staff read it, in Vietnamese order: family and middle names, then
    the given name (Django's get_full_name() puts the given name first); their user name
    when no name is on file."""
    name = " ".join(part for part in (last_name, first_name) if part)
    return name or username
