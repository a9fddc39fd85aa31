"""feedback's answer to where the conversation after the result is kept (Art. 11.1–11.2):
the reporter's questions and the staff's answers are Comment rows (workflow/reporters.py
asks, FeedbackConfig.ready() registers).

They are private to the reporter and the staff who see the case: never on a public page,
so they are shown as written, without a moderation step (a question is citizen text,
escaped like every other, SECURITY IN1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext as _

from workflow.models import Case
from workflow.reporters import ClarificationRow, Clarifications

from .models import Comment


def clarification_rows(case: Case) -> Sequence[ClarificationRow]:
    """The case's conversation for staff, oldest first, naming no person (SECURITY DP3)."""
    return [
        ClarificationRow(
            at=c.created_at, body=c.body,
            from_reporter=c.author_kind == Comment.Author.REPORTER,
            author=(_("Reporter") if c.author_kind == Comment.Author.REPORTER
                    else c.unit.name if c.unit_id else str(c.get_author_kind_display())),
        )
        for c in Comment.objects.filter(case=case).select_related("unit")
    ]


def record_answer(case: Case, body: str, *, unit_id: int | None, user_id: int | None,
                  now: datetime) -> None:
    Comment.objects.create(
        case=case, body=body, created_at=now, author_id=user_id, unit_id=unit_id,
        author_kind=Comment.Author.UNIT if unit_id else Comment.Author.COORDINATOR,
    )


CLARIFICATIONS = Clarifications(rows=clarification_rows, record_answer=record_answer)
