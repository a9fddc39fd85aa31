from ..privacy.models import DataRequest
from .assignments import Assignment, Draft, DraftPhoto, Extension
from .calendar import CalendarDay, OfficialYear
from .cases import Case, RejectionReason, Visibility
from .duplicates import DuplicateCandidate
from .events import CaseEvent, DeadlineAlert
from .letters import SignedLetter
from .moderation import AbuseListEntry
from .outbox import GatewayBreaker, MessageTemplate, OutboxMessage
from .sent import SentMessage

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
    "GatewayBreaker",
    "MessageTemplate",
    "OfficialYear",
    "OutboxMessage",
    "RejectionReason",
    "SentMessage",
    "SignedLetter",
    "Visibility",
]
