"""The case's log as the case page shows it: read with the case, one row per step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import JSONField, Q
from django.db.models.expressions import RawSQL
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from routing.selectors import Actor, person_name

from ...models import Case, CaseEvent
from ..lists import ASSIGNMENT_STATES, CASE_STATES, moment

# What each logged event means, in words: the labels of the kinds the services and the
# deadline sweep write.
EVENT_KINDS: dict[str, Promise] = dict(CaseEvent.Kind.choices)
ACTOR_LABELS: dict[str, Promise] = {
    "system": gettext_lazy("System"),
    "reporter": gettext_lazy("Reporter"),
}


@dataclass(frozen=True)
class EventView:
    at: datetime
    who: str
    kind: str
    from_state: str
    to_state: str
    note: str
    at_iso: str = ""  # |date:'c' and |date:"d/m/Y H:i" of `at` (queues.moment)
    at_text: str = ""

    @cached_property
    def html(self) -> SafeString:
        """The log's row, every value escaped: the history has a row per step of the case,
        written here once rather than cell by cell in the template."""
        states = ""
        if self.from_state or self.to_state:
            states = f"{escape(self.from_state or '—')} → {escape(self.to_state or '—')}"
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<tr><td class="nowrap"><time datetime="{self.at_iso}">{self.at_text}</time></td>'
            f"<td>{escape(self.who or '—')}</td><td>{escape(self.kind)}</td><td>{states}</td>"
            f'<td class="citizen-text">{linebreaksbr(self.note, autoescape=True)}</td></tr>\n')


# The actor's family and given names and user name: the log names people (person_name).
EVENT_FIELDS = ("at", "actor__last_name", "actor__first_name",
                f"actor__{get_user_model().USERNAME_FIELD}", "actor_label", "kind",
                "from_state", "to_state", "note", "assignment_id")


def event_rows(actor: Actor) -> RawSQL:
    """The log as JSON arrays in EVENT_FIELDS' order, oldest first, read with the case
    (get_case_for(..., event_rows=event_rows(actor))): a query and its
    compilation fewer. A unit does not read other units' assignment events."""
    users = get_user_model()._meta
    username = users.get_field(users.model.USERNAME_FIELD).column
    own, params = "", []
    if not (actor.is_coordinator or actor.is_supervisor):
        own, params = " AND (e.unit_id IS NULL OR e.unit_id = ANY(%s))", [sorted(actor.units)]
    return RawSQL(  # noqa: S611 - table and column names from the models; the units bound
        "(SELECT COALESCE(jsonb_agg(jsonb_build_array(e.at, u.last_name, u.first_name, u."  # noqa: S608
        + username + ", e.actor_label, e.kind, e.from_state, e.to_state, e.note, e.assignment_id) "
        f"ORDER BY e.at, e.id), '[]'::jsonb) FROM {CaseEvent._meta.db_table} e "
        f"LEFT JOIN {users.db_table} u ON u.{users.pk.column} = e.actor_id "
        f"WHERE e.case_id = {Case._meta.db_table}.id{own})", params, output_field=JSONField())


def case_events(actor: Actor, case: Case) -> list[tuple]:
    """The log, oldest first, as tuples of EVENT_FIELDS; a unit does not read other units'
    assignment events. Read with the case when it carries `event_rows` (page_lists)."""
    if (rows := getattr(case, "event_rows", None)) is not None:
        return [(parse_datetime(at), *rest) for at, *rest in rows]
    events = CaseEvent.objects.filter(case=case).order_by("at", "pk")
    if not (actor.is_coordinator or actor.is_supervisor):
        events = events.filter(Q(unit__isnull=True) | Q(unit_id__in=actor.units))
    return list(events.values_list(*EVENT_FIELDS))


def event_views(events: list[tuple], show_note: bool) -> list[EventView]:
    """The log as shown, the labels translated once per page."""
    zone = timezone.get_current_timezone()
    labels = {key: str(label) for key, label in EVENT_KINDS.items()}
    actors = {key: str(label) for key, label in ACTOR_LABELS.items()}
    case_states = {key: str(label) for key, label in CASE_STATES.items()}
    assignment_states = {key: str(label) for key, label in ASSIGNMENT_STATES.items()}
    views = []
    for (at, last_name, first_name, username, actor_label, kind, from_state, to_state, note,
         assignment_id) in events:
        states = assignment_states if assignment_id else case_states
        iso, text = moment(at, zone)
        views.append(EventView(
            at=at,
            who=person_name(last_name or "", first_name or "", username)
            if username is not None else actors.get(actor_label, actor_label),
            kind=labels.get(kind, kind),
            from_state=states.get(from_state, from_state),
            to_state=states.get(to_state, to_state),
            note=note if show_note else "",
            at_iso=iso,
            at_text=text,
        ))
    return views

