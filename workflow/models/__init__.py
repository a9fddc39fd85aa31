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
from .outbox import MessageTemplate, OutboxMessage

__all__ = [
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
