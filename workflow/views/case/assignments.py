"""The case's assignments as the case page reads them: each with its newest draft and its
newest signed reply letter, in one query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime

from routing.selectors import Actor

from ...letters import LetterLink, staff_letter_links
from ...models import Assignment, Case, Draft, DraftPhoto, SignedLetter
from ...selectors import json_rows, visible_assignments
from ..lists import Deadline


@dataclass(frozen=True)
class DraftView:
    unit: str
    version: int
    written_at: datetime
    body: str
    photo_urls: list[str] = field(default_factory=list)  # through staff:draft_photo (AC2)


@dataclass(frozen=True)
class AssignmentView:
    unit: str
    state: str
    assigned_at: datetime
    deadline: Deadline
    is_extended: bool
    rework: str
    contact_revealed: bool = False


# The newest draft's columns that the page shows or puts in its forms.
DRAFT_FIELDS = ("id", "version", "number", "date", "addressee", "body", "signer",
                "signer_title", "recipients", "created_at")


def newest_draft_json() -> RawSQL:
    """An assignment's newest draft as one JSON object, with its evidence photos' ids as
    `photo_ids`: read with the assignment, not by a query of its own."""
    columns = ", ".join(f"'{name}', d.{name}" for name in DRAFT_FIELDS)
    return json_rows(  # constants and table names only
        f"(SELECT jsonb_build_object({columns}, 'photo_ids', ARRAY(SELECT p.id FROM "  # noqa: S608
        f"{DraftPhoto._meta.db_table} p WHERE p.draft_id = d.id ORDER BY p.id)) "
        f"FROM {Draft._meta.db_table} d WHERE d.assignment_id = {Assignment._meta.db_table}.id "
        "ORDER BY d.version DESC LIMIT 1)")


def draft_from_json(assignment: Assignment, row: dict[str, Any]) -> Draft:
    draft = Draft(assignment_id=assignment.pk, **{name: row[name] for name in DRAFT_FIELDS})
    draft.date = parse_date(row["date"]) if row["date"] else None
    draft.created_at = parse_datetime(row["created_at"])
    draft.photo_ids = row["photo_ids"]
    return draft


def newest_signed_json() -> RawSQL:
    """An assignment's newest signed reply letter as one JSON object."""
    return json_rows(  # constants and table names only
        "(SELECT jsonb_build_object('id', s.id, 'sha256', s.sha256, "  # noqa: S608
        "'uploaded_at', s.uploaded_at, 'has_signature', s.has_signature) "
        f"FROM {SignedLetter._meta.db_table} s "
        f"WHERE s.assignment_id = {Assignment._meta.db_table}.id "
        "ORDER BY s.uploaded_at DESC, s.id DESC LIMIT 1)")


def signed_from_json(assignment: Assignment, row: dict[str, Any]) -> SignedLetter:
    return SignedLetter(pk=row["id"], assignment_id=assignment.pk, sha256=row["sha256"],
                        uploaded_at=parse_datetime(row["uploaded_at"]),
                        has_signature=row["has_signature"])


def case_assignments(actor: Actor, case: Case) -> list[Assignment]:
    """The case's assignments this actor may see (a unit sees only its own), with their
    newest draft as `latest_drafts` (an empty list or one draft) and their newest signed
    letter as `latest_signed` (workflow.letters), in one query."""
    assignments = list(
        visible_assignments(actor).filter(case=case).select_related("unit")
        .order_by("assigned_at", "pk")
        .annotate(newest_draft=newest_draft_json(), newest_signed=newest_signed_json())
    )
    for assignment in assignments:
        row = assignment.newest_draft
        assignment.latest_drafts = [draft_from_json(assignment, row)] if row else []
        signed = assignment.newest_signed
        assignment.latest_signed = [signed_from_json(assignment, signed)] if signed else []
        assignment.case = case  # the transitions' checks read it; no query per row
    return assignments


class PhotoUrl:
    """staff:draft_photo's URL of a photo id, reverse()d once per page."""

    _PK = 987654321

    def __init__(self) -> None:
        self.head, self.tail = reverse("staff:draft_photo", args=[self._PK]).split(str(self._PK))

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


def letter_links(actor: Actor, case: Case, assignments: Sequence[Assignment],
                 ) -> list[LetterLink]:
    """The Appendix 1 letters of the approved units (none read before any unit's approval)."""
    if not any(a.state == Assignment.State.APPROVED for a in assignments):
        return []
    return staff_letter_links(actor, case.pk, assignments)
