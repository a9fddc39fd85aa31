"""feedback's answer to where the conversation after the result is kept (Art. 11.1–11.2):
the reporter's questions and the staff's answers are Comment rows (workflow/reporters.py
asks, FeedbackConfig.ready() registers).

They are private to the reporter and the staff who see the case: never on a public page,
so they are shown as written, without a moderation step (a question is citizen text,
escaped like every other, SECURITY IN1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models.expressions import RawSQL
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from routing.models import Unit
from workflow.models import Case
from workflow.reporters import ClarificationRow, Clarifications
from workflow.selectors import json_rows

from .models import Comment


def conversation_rows() -> RawSQL:
    """The case's questions and answers as JSON objects, oldest first, read in the case's
    query: who wrote (a kind and a unit's name), never a person (SECURITY DP3)."""
    return json_rows(  # constants and table names only
        "(SELECT COALESCE(jsonb_agg(jsonb_build_object("  # noqa: S608
        "'at', c.created_at, 'kind', c.author_kind, 'unit', u.name, 'body', c.body"
        f") ORDER BY c.created_at, c.id), '[]'::jsonb) FROM {Comment._meta.db_table} c "
        f"LEFT JOIN {Unit._meta.db_table} u ON u.id = c.unit_id "
        f"WHERE c.case_id = {Case._meta.db_table}.id)")


def clarification_rows(rows: list[dict[str, Any]] | None) -> Sequence[ClarificationRow]:
    kinds = dict(Comment.Author.choices)
    return [
        ClarificationRow(
            at=parse_datetime(row["at"]), body=row["body"],
            from_reporter=row["kind"] == Comment.Author.REPORTER,
            author=(_("Reporter") if row["kind"] == Comment.Author.REPORTER
                    else row["unit"] or str(kinds.get(row["kind"], ""))),
        )
        for row in rows or ()
    ]


def record_answer(case: Case, body: str, *, unit_id: int | None, user_id: int | None,
                  now: datetime) -> None:
    Comment.objects.create(
        case=case, body=body, created_at=now, author_id=user_id, unit_id=unit_id,
        author_kind=Comment.Author.UNIT if unit_id else Comment.Author.COORDINATOR,
    )


CLARIFICATIONS = Clarifications(annotation=conversation_rows, rows=clarification_rows,
                                record_answer=record_answer)
