"""What workflow asks of the app that meets the reporter, and that app's answers.

Workflow writes the messages to a reporter and shows their case to staff, but what the
reporter agreed to on the form, how to answer someone who wrote from Facebook or Zalo, and
the photos and videos they sent are known to the citizen's side (feedback), which builds on
workflow. So workflow asks the questions here, and feedback registers its answers in its
AppConfig.ready(): imports keep pointing one way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Expression

if TYPE_CHECKING:
    from .models import Case, OutboxMessage

# The outbox channels (OutboxMessage.Channel values) a case's reporter said no to.
DeclinedChannels = Callable[["Case"], set[str]]

# Sends the short text of an outbox row to the reporter through the platform the case came
# from; returns the platform's message id, or raises the notification backends' failures
# (TemporaryFailure, WindowClosed, PermanentFailure).
ReplySender = Callable[["OutboxMessage", str, datetime], str]

# The path of the page that opens a case by its private link's token (workflow/track_links.py).
TrackLinkPath = Callable[[str], str]



@dataclass(frozen=True)
class CaseAttachments:
    """The reporter's photos and videos for the staff case page: an annotation of the case
    that reads them in the case's own query, and how to turn what it read into the items
    partials/attachment_list.html shows (`pk`, `kind`, `content_type`, `size`,
    `get_kind_display`)."""

    annotation: Callable[[], Expression]
    items: Callable[[Any], Sequence[Any]]


@dataclass(frozen=True)
class ClarificationRow:
    """One message of the conversation after the result (Art. 11.1–11.2), as staff read
    it: `author` is "the reporter", the answering unit's name or the coordination centre,
    never a person's name or contact."""

    at: datetime
    author: str
    body: str
    from_reporter: bool


@dataclass(frozen=True)
class Clarifications:
    """Where the reporter's questions and their answers are kept: `annotation` reads a
    case's conversation in the case's own query, `rows` turns what it read into
    ClarificationRows oldest first; `record_answer(case, body, unit_id=, user_id=, now=)`
    stores an answer by a unit (`unit_id`) or by the coordination centre (None)."""

    annotation: Callable[[], Expression]
    rows: Callable[[Any], Sequence[ClarificationRow]]
    record_answer: Callable[..., None]


_declined: list[DeclinedChannels] = []
_reply_senders: dict[str, ReplySender] = {}
_attachments: list[CaseAttachments] = []
_track_link_paths: list[TrackLinkPath] = []
_clarifications: list[Clarifications] = []


class NotRegistered(LookupError):
    """No installed app answers this question: a configuration error, never silent."""


def register_declined_channels(reader: DeclinedChannels) -> None:
    """Name the function that reads what a case's reporter declined (once, at start-up)."""
    _declined[:] = [reader]


def declined_channels(case: Case) -> set[str]:
    """The outbox channels the reporter said no to (SECURITY DP2)."""
    if not _declined:
        raise NotRegistered("no app registered the reporter's consents "
                            "(register_declined_channels)")
    return _declined[0](case)


def register_reply_sender(channel: str, sender: ReplySender) -> None:
    """Answer the reporters of cases that came through `channel` (a Case.Channel value)."""
    _reply_senders[channel] = sender


def reply_sender(channel: str) -> ReplySender:
    try:
        return _reply_senders[channel]
    except KeyError:
        raise NotRegistered(f"no app registered a reply sender for channel '{channel}'") from None


def register_case_attachments(answer: CaseAttachments) -> None:
    """Name how the staff case page reads a case's attachments (once, at start-up)."""
    _attachments[:] = [answer]


def case_attachments_answer() -> CaseAttachments:
    if not _attachments:
        raise NotRegistered("no app registered the reporter's attachments of a case "
                            "(register_case_attachments)")
    return _attachments[0]


def register_track_link_path(path: TrackLinkPath) -> None:
    """Name the page that opens a case by its private link (once, at start-up)."""
    _track_link_paths[:] = [path]


def track_link_path(token: str) -> str:
    if not _track_link_paths:
        raise NotRegistered("no app registered the page of a private tracking link "
                            "(register_track_link_path)")
    return _track_link_paths[0](token)


def register_clarifications(answer: Clarifications) -> None:
    """Name where the reporter's questions and their answers are kept (once, at start-up)."""
    _clarifications[:] = [answer]


def clarifications() -> Clarifications:
    if not _clarifications:
        raise NotRegistered("no app registered the reporter's questions after the result "
                            "(register_clarifications)")
    return _clarifications[0]
