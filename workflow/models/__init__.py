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
from .moderation import AbuseListEntry
from .outbox import MessageTemplate, OutboxMessage

__all__ = [
    "AbuseListEntry",
    "Assignment",
    "CalendarDay",
    "Case",
    "CaseEvent",
    "DeadlineAlert",
    "Draft",
    "DraftPhoto",
    "Extension",
    "MessageTemplate",
    "OfficialYear",
    "OutboxMessage",
    "RejectionReason",
    "Visibility",
]
