"""What each kind of message is called where people see it: the case page's list of
outgoing messages and the administrator's message texts. One mapping, so a key such as
`staff_case_dispatched` never shows; a kind added to defaults.DEFAULTS needs its label here
(tests/workflow/test_labels.py fails until it has one)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .defaults import TEMPLATE_KEYS

MESSAGE_LABELS: dict[str, Promise] = {
    # To the reporter
    "case_received": _("Receipt confirmation to the reporter"),
    "case_rejected": _("Rejection notice to the reporter"),
    "case_dispatched": _("Dispatch notice to the reporter"),
    "case_extended": _("Extension notice to the reporter"),
    "case_extended_offline": _("Extension notice to the reporter of a state secret"),
    "reply_published": _("Published reply notice to the reporter"),
    "reply_private": _("Private reply to the reporter"),
    "reply_offline": _("Offline reply notice to the reporter"),
    "case_reopened": _("Reopening notice to the reporter"),
    "case_result_kept": _("Notice to the reporter that the result is kept"),
    "case_reprocessing": _("Reprocessing notice to the reporter"),
    "case_duplicate": _("Notice to the reporter that the case repeats another"),
    "duplicate_answered": _("Notice to a duplicate's reporter that the original is answered"),
    "duplicate_answered_offline": _("Notice to a duplicate's reporter that the original is "
                                    "answered, not publicly"),
    "clarification_answered": _("Notice to the reporter that their question was answered"),
    # To staff
    "staff_case_received": _("New case for the coordination centre"),
    "staff_case_dispatched": _("New case for the unit"),
    "staff_case_returned": _("Case returned by a unit"),
    "staff_case_extended": _("Extension declared by a unit"),
    "staff_draft_submitted": _("Draft reply awaiting approval"),
    "staff_sent_back": _("Result sent back to the unit"),
    "staff_case_approved": _("Approved result awaiting publication"),
    "staff_case_reopened": _("Case reopened after an unsatisfied rating"),
    "staff_case_reprocess": _("Case handed back to the unit"),
    "staff_case_escalated": _("Case escalated to the province's leadership"),
    "staff_case_escalated_secret": _("State-secret case escalated to the province's "
                                     "leadership"),
    "staff_clarification_asked": _("Question from the reporter about the result"),
    "staff_reminder": _("Deadline reminder"),
    "staff_overdue": _("Overdue notice"),
}


def message_label(key: str) -> str:
    """The human name of message kind `key`, in the active language; the key itself only
    for a kind nobody named yet."""
    label = MESSAGE_LABELS.get(key)
    return str(label) if label is not None else key


def message_choices() -> list[tuple[str, str]]:
    """Every message kind as (key, name), for the administrator's form."""
    return [(key, message_label(key)) for key in TEMPLATE_KEYS]
