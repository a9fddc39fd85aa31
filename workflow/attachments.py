"""The question the staff case page asks: the reporter's attachments of this case.

The reporter's photos and videos are feedback's (feedback builds on workflow, not the
reverse), so feedback answers in its AppConfig.ready() with `register_case_attachments`:
an annotation of the case that reads them in the case's own query, and how to turn what it
read into the items the page's attachment list shows (partials/attachment_list.html: `pk`,
`kind`, `content_type`, `size`, `get_kind_display`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Expression


@dataclass(frozen=True)
class CaseAttachments:
    annotation: Callable[[], Expression]  # on workflow.Case: its attachments, as read
    items: Callable[[Any], Sequence[Any]]  # what the annotation read -> the page's items


_answers: dict[str, CaseAttachments] = {}


def register_case_attachments(answer: CaseAttachments) -> None:
    _answers["attachments"] = answer


def case_attachments_answer() -> CaseAttachments:
    try:
        return _answers["attachments"]
    except KeyError:
        raise LookupError(
            "Nothing answers the reporter's attachments of a case for the staff case page: "
            "feedback registers them in FeedbackConfig.ready() (register_case_attachments)."
        ) from None
