from .calendar import CalendarDay, OfficialYear
from .cases import (
    Assignment,
    Case,
    CaseEvent,
    DeadlineAlert,
    Draft,
    DraftPhoto,
    Extension,
    RejectionReason,
    Visibility,
)
from .duplicates import DuplicateCandidate
from .letters import SignedLetter
from .moderation import AbuseListEntry
from .outbox import MessageTemplate, OutboxMessage
from .privacy import DataRequest

__all__ = [
    "AbuseListEntry",
    "Assignment",
    "CalendarDay",
    "Case",
    "CaseEvent",
    "DataRequest",
    "DuplicateCandidate",
    "DeadlineAlert",
    "Draft",
    "DraftPhoto",
    "Extension",
    "MessageTemplate",
    "OfficialYear",
    "OutboxMessage",
    "RejectionReason",
    "SignedLetter",
    "Visibility",
]
