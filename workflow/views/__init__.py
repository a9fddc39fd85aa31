"""The staff pages: each role's queue, the case page, its actions and the hotline intake."""

from .actions import (
    abuse_list,
    accept,
    approve,
    classify,
    dispatch,
    draft,
    edit_approve,
    escalate,
    extend,
    keep_result,
    mark_valuable,
    publish,
    reject,
    release_hold,
    reprocess,
    resend,
    return_,
    return_to_staff,
    reveal,
    send_back,
    verify,
)
from .case import EVENT_KINDS, case_detail, case_page
from .clarify import clarify
from .duplicates import close_duplicate, dismiss_duplicate
from .help import help_page
from .intake import hotline
from .lists import PAGE_SIZE
from .login import StaffLoginView, login_code, logout_view, two_factor, two_factor_qr
from .photos import draft_photo
from .queues import escalated, hold, home, supervision
from .units import unit_detail, units

__all__ = [
    "abuse_list", "clarify", "close_duplicate", "dismiss_duplicate", "draft_photo", "escalate",
    "escalated", "help_page", "hold", "mark_valuable",
    "release_hold", "resend", "supervision", "unit_detail", "units",
    "EVENT_KINDS", "PAGE_SIZE", "StaffLoginView", "accept", "approve", "case_detail",
    "case_page", "classify", "dispatch", "draft", "edit_approve", "extend", "home", "hotline",
    "keep_result", "login_code", "logout_view", "publish", "reject", "reprocess", "return_",
    "return_to_staff", "reveal", "send_back", "two_factor", "two_factor_qr", "verify",
]
