"""Every change to a case or an assignment, each in one transaction with its event.

A service locks the rows it changes, fires the transition (which checks the actor's right
and the input), stores the next stage's deadline, writes the event and the outgoing
messages, and moves the case along when its assignments have all moved. Nothing here needs
Redis: outgoing messages are rows in the outbox, written in the same transaction.
"""

from .clarifications import answer_clarification, note_clarification_asked
from .common import (
    APPROVAL_DAYS,
    INTAKE_HOURS,
    PUBLISH_HOURS,
    REDISTRIBUTION_MINUTES,
    RETURN_WINDOW_DAYS,
    REVISION_MINUTES,
    close_of_business,
)
from .coordination import (
    add_reporter_to_abuse_list,
    close_as_duplicate,
    dismiss_duplicate,
    escalate_case,
    mark_valuable,
    release_hold,
    reveal_contact,
)
from .intake import (
    classify_case,
    dispatch_case,
    receive_case,
    receive_once,
    record_case,
    reject_case,
    send_back_for_verification,
)
from .messages import (
    notify_staff,
    queue_outbox_delivery,
    send_outbox,
)
from .publication import (
    keep_result,
    publish_case,
    reopen_case,
    reprocess_case,
    send_back_to_unit,
)
from .units import (
    accept_assignment,
    approve_assignment,
    extend_assignment,
    return_assignment,
    return_to_staff,
    submit_draft,
)

__all__ = [
    "APPROVAL_DAYS",
    "INTAKE_HOURS",
    "PUBLISH_HOURS",
    "REDISTRIBUTION_MINUTES",
    "RETURN_WINDOW_DAYS",
    "REVISION_MINUTES",
    "accept_assignment",
    "answer_clarification",
    "add_reporter_to_abuse_list",
    "approve_assignment",
    "classify_case",
    "close_as_duplicate",
    "close_of_business",
    "dismiss_duplicate",
    "dispatch_case",
    "escalate_case",
    "extend_assignment",
    "keep_result",
    "mark_valuable",
    "note_clarification_asked",
    "notify_staff",
    "publish_case",
    "queue_outbox_delivery",
    "receive_case",
    "receive_once",
    "record_case",
    "reject_case",
    "release_hold",
    "reopen_case",
    "reprocess_case",
    "return_assignment",
    "return_to_staff",
    "reveal_contact",
    "send_back_for_verification",
    "send_back_to_unit",
    "send_outbox",
    "submit_draft",
]
