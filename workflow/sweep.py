"""The deadline sweep: reminders at 75 % of a window, overdue marks at its end.

Every deadline is a column, so each pass is an indexed query. Rows are taken with
FOR UPDATE SKIP LOCKED and every alert has a unique key per stage, so two sweeps running
at once act once, and a sweep that was missed (Redis or the worker down) catches up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Model

from routing.models import Membership
from routing.selectors import coordinator_ids

from .models import Assignment, Case, CaseEvent, DeadlineAlert
from .services import notify_staff

BATCH = 500


@dataclass
class SweepResult:
    reminders: int = 0
    overdue: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"reminders": self.reminders, "overdue": self.overdue}


def sweep_deadlines(*, now: datetime, batch: int = BATCH) -> SweepResult:
    """Send what is due at `now`; safe to run twice or concurrently."""
    result = SweepResult()
    for model in (Assignment, Case):
        while (done := _sweep_batch(model, DeadlineAlert.Kind.REMINDER, now, batch)):
            result.reminders += done
            if done < batch:
                break
        while (done := _sweep_batch(model, DeadlineAlert.Kind.OVERDUE, now, batch)):
            result.overdue += done
            if done < batch:
                break
    return result


def due_rows(model: type[Model], kind: str, now: datetime):
    """The indexed selection of rows the sweep acts on (the benchmark explains its plan)."""
    if kind == DeadlineAlert.Kind.REMINDER:
        return model.objects.filter(remind_at__lte=now).order_by("remind_at")
    return model.objects.filter(due_at__lte=now, overdue_at__isnull=True).order_by("due_at")


@transaction.atomic
def _sweep_batch(model: type[Model], kind: str, now: datetime, batch: int) -> int:
    qs = due_rows(model, kind, now).select_for_update(skip_locked=True, of=("self",))
    if model is Assignment:
        qs = qs.select_related("case")
    rows = list(qs[:batch])
    if not rows:
        return 0
    recipients = _recipients(rows)
    for row in rows:
        case = row.case if isinstance(row, Assignment) else row
        assignment = row if isinstance(row, Assignment) else None
        prefix = f"a{row.pk}" if assignment else f"c{row.pk}"
        key = f"{kind}:{prefix}:{row.stage_seq}"
        try:
            with transaction.atomic():
                alert = DeadlineAlert.objects.create(
                    key=key, kind=kind, case=case, assignment=assignment,
                    unit_id=assignment.unit_id if assignment else None,
                    stage=row.state, due_at=row.due_at, at=now,
                )
        except IntegrityError:
            alert = None  # another sweep acted on this stage already
        if kind == DeadlineAlert.Kind.REMINDER:
            row.remind_at = None
        else:
            row.overdue_at = now
            row.remind_at = None
        if alert is None:
            continue
        if kind == DeadlineAlert.Kind.OVERDUE:
            CaseEvent.objects.create(
                case=case, assignment=assignment, unit_id=alert.unit_id,
                actor_label="system", at=now, kind=CaseEvent.Kind.OVERDUE,
                from_state=row.state, to_state=row.state,
                data={"due_at": row.due_at.isoformat(), "stage": row.state},
            )
        users = recipients["coordinators"] if assignment is None else list(
            recipients["units"].get(assignment.unit_id, [])
        )
        if assignment is not None and kind == DeadlineAlert.Kind.OVERDUE:
            users = users + recipients["coordinators"]
        notify_staff(case, f"alert:{key}", users, f"staff_{kind}", now,
                     context={"due_at": row.due_at.isoformat(), "stage": row.state})
    model.objects.bulk_update(rows, ["remind_at", "overdue_at"])
    return len(rows)


def _recipients(rows: list) -> dict:
    """Who hears of this batch's alerts, in two queries for the whole batch."""
    unit_ids = {row.unit_id for row in rows if isinstance(row, Assignment)}
    units: dict[int, list[int]] = {}
    for unit_id, user_id in Membership.objects.filter(
        unit_id__in=unit_ids, user__is_active=True
    ).values_list("unit_id", "user_id"):
        units.setdefault(unit_id, []).append(user_id)
    return {"units": units, "coordinators": coordinator_ids()}



