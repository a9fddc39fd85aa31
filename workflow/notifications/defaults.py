"""The built-in message texts, Vietnamese and English; the administrator may override them.

Pure data with no imports of our models, so the model layer can validate keys against it.
Placeholders are `{name}`: {portal}, {hotline}, {url} (the portal), {code} (the tracking
code), {track_url} (where the reporter follows the case: the portal, or the case's private
link for a reporter without a phone), {reason} (why a case was rejected or extended),
{case_url} (the staff page of the case),
{summary} (the coordinator's summary of an escalated case),
{due_at} and {stage} (deadline alerts; an extension's new date), {note} (the coordinator's
note to a rejected case's reporter), {original} (the tracking code of the case that a closed
duplicate repeats) and {answer_url} (that case's public answer). Reporter messages go out on
every channel the reporter kept (REPORTER_EVENTS); staff messages by e-mail, and the urgent
ones also by SMS to those who chose it (URGENT_STAFF_TEMPLATES). Reporter SMS stay within one
160-character GSM-7 segment once stripped of diacritics, for an ordinary portal name and
address and a short reason.
"""

from __future__ import annotations

from typing import TypedDict


class Texts(TypedDict):
    sms: str
    subject: str
    body: str


_SIGNATURE = {
    "vi": "\n\n{portal}\nĐường dây nóng: {hotline}\n{url}",
    "en": "\n\n{portal}\nHotline: {hotline}\n{url}",
}


def _reporter(vi_sms: str, vi_subject: str, en_sms: str, en_subject: str) -> dict[str, Texts]:
    return {
        "vi": {"sms": "{portal}: " + vi_sms, "subject": vi_subject,
               "body": "Kính gửi Quý ông/bà,\n\n" + vi_sms + _SIGNATURE["vi"]},
        "en": {"sms": "{portal}: " + en_sms, "subject": en_subject,
               "body": "Dear citizen,\n\n" + en_sms + _SIGNATURE["en"]},
    }


def _staff(vi_subject: str, vi_body: str, en_subject: str, en_body: str, *,
           vi_sms: str = "", en_sms: str = "") -> dict[str, Texts]:
    """A staff message; `*_sms` only for the urgent ones (URGENT_STAFF_TEMPLATES)."""
    return {
        "vi": {"sms": "{portal}: " + vi_sms if vi_sms else "",
               "subject": "[{portal}] " + vi_subject,
               "body": vi_body + "\n\n{case_url}" + _SIGNATURE["vi"]},
        "en": {"sms": "{portal}: " + en_sms if en_sms else "",
               "subject": "[{portal}] " + en_subject,
               "body": en_body + "\n\n{case_url}" + _SIGNATURE["en"]},
    }


DEFAULTS: dict[str, dict[str, Texts]] = {
    # --- To the reporter -------------------------------------------------------------------
    "case_received": _reporter(
        "Đã tiếp nhận phản ánh của bạn, mã {code}. Tra cứu tại {track_url}",
        "Đã tiếp nhận phản ánh {code}",
        "We received your report, code {code}. Track it at {track_url}",
        "Report {code} received",
    ),
    # {note}: the coordinator's note to the reporter, on its own line; empty when none.
    "case_rejected": _reporter(
        "Phản ánh mã {code} không được tiếp nhận. Lý do: {reason}\n{note}",
        "Phản ánh {code} không được tiếp nhận",
        "Report {code} was not accepted. Reason: {reason}\n{note}",
        "Report {code} not accepted",
    ),
    "case_dispatched": _reporter(
        "Phản ánh mã {code} đã được chuyển đến đơn vị có thẩm quyền xử lý.",
        "Phản ánh {code} đã được chuyển xử lý",
        "Report {code} has been sent to the competent unit.",
        "Report {code} sent to the unit",
    ),
    # Art. 8.2a: the unit explains the reason and the expected date in writing.
    "case_extended": _reporter(
        "Phản ánh mã {code} được gia hạn xử lý đến {due_at}. Lý do: {reason}",
        "Phản ánh {code} được gia hạn xử lý",
        "Report {code}: handling extended until {due_at}. Reason: {reason}",
        "Report {code}: handling extended",
    ),
    # A state secret's reason is not written to an SMS or an e-mail (Art. 10.3c).
    "case_extended_offline": _reporter(
        "Phản ánh mã {code} được gia hạn xử lý đến {due_at}. Liên hệ {hotline} để biết lý do.",
        "Phản ánh {code} được gia hạn xử lý",
        "Report {code}: handling extended until {due_at}. Call {hotline} for the reason.",
        "Report {code}: handling extended",
    ),
    "reply_published": _reporter(
        "Phản ánh mã {code} đã có kết quả trả lời. Xem tại {track_url}",
        "Phản ánh {code} đã có kết quả trả lời",
        "Report {code} has been answered. See {track_url}",
        "Report {code} answered",
    ),
    "reply_private": _reporter(
        "Kết quả trả lời phản ánh mã {code} chỉ gửi riêng bạn. Tra cứu tại {track_url}",
        "Phản ánh {code} đã có kết quả trả lời",
        "The reply to report {code} is for you only. Track it at {track_url}",
        "Report {code} answered",
    ),
    "reply_offline": _reporter(
        "Phản ánh mã {code} đã được trả lời bằng văn bản. Liên hệ {hotline} để biết thêm.",
        "Phản ánh {code} đã được trả lời",
        "Report {code} has been answered in writing. Call {hotline} for details.",
        "Report {code} answered",
    ),
    "case_reopened": _reporter(
        "Đã nhận đánh giá chưa hài lòng về phản ánh mã {code}; phản ánh sẽ được xem xét lại.",
        "Phản ánh {code} được xem xét lại",
        "We received your unsatisfied rating of report {code}; it will be looked at again.",
        "Report {code} to be looked at again",
    ),
    "case_result_kept": _reporter(
        "Sau khi xem xét lại, kết quả trả lời phản ánh mã {code} được giữ nguyên. Xem tại {url}",
        "Kết quả trả lời phản ánh {code} được giữ nguyên",
        "After another look, the reply to report {code} stands. See {url}",
        "The reply to report {code} stands",
    ),
    "case_reprocessing": _reporter(
        "Phản ánh mã {code} đang được xem xét, xử lý lại.",
        "Phản ánh {code} được xử lý lại",
        "Report {code} is being handled again.",
        "Report {code} handled again",
    ),
    # A case closed as a duplicate: handled, and answered, through the original.
    "case_duplicate": _reporter(
        "Phản ánh mã {code} trùng với phản ánh mã {original} đang được xử lý; "
        "bạn sẽ được báo khi có kết quả.",
        "Phản ánh {code} trùng với phản ánh {original}",
        "Report {code} repeats report {original}, which is being handled; "
        "you will be told of its answer.",
        "Report {code} repeats report {original}",
    ),
    "duplicate_answered": _reporter(
        "Phản ánh mã {original} (trùng với phản ánh {code} của bạn) đã có kết quả. "
        "Xem tại {answer_url}",
        "Phản ánh {original} đã có kết quả trả lời",
        "Report {original} (which your report {code} repeats) is answered. See {answer_url}",
        "Report {original} answered",
    ),
    # The original's reply is not public (Art. 10.3b-c): it is its own reporter's alone.
    "duplicate_answered_offline": _reporter(
        "Phản ánh mã {original} (trùng với phản ánh {code} của bạn) đã được trả lời. "
        "Liên hệ {hotline} để biết thêm.",
        "Phản ánh {original} đã được trả lời",
        "Report {original} (which your report {code} repeats) is answered. "
        "Call {hotline} for details.",
        "Report {original} answered",
    ),
    # Art. 11.2: the answer itself is on the tracked page, not in the message.
    "clarification_answered": _reporter(
        "Câu hỏi của bạn về phản ánh mã {code} đã được trả lời. Xem tại {track_url}",
        "Câu hỏi về phản ánh {code} đã được trả lời",
        "Your question about report {code} has been answered. See {track_url}",
        "Your question about report {code} answered",
    ),
    # --- To staff --------------------------------------------------------------------------
    "staff_case_received": _staff(
        "Phản ánh mới {code}",
        "Có phản ánh mới mã {code} cần phân loại và chuyển xử lý.",
        "New report {code}",
        "A new report, code {code}, waits to be classified and dispatched.",
    ),
    "staff_case_dispatched": _staff(
        "Phản ánh {code} được chuyển đến đơn vị",
        "Phản ánh mã {code} đã được chuyển đến đơn vị của bạn. Hãy tiếp nhận hoặc trả lại.",
        "Report {code} dispatched to your unit",
        "Report {code} was dispatched to your unit. Accept it or return it.",
    ),
    "staff_case_returned": _staff(
        "Phản ánh {code} bị đơn vị trả lại",
        "Một đơn vị đã trả lại phản ánh mã {code}. Hãy chuyển lại cho đơn vị phù hợp.",
        "Report {code} returned by a unit",
        "A unit returned report {code}. Dispatch it to the right unit.",
        vi_sms="Phản ánh mã {code} bị đơn vị trả lại, cần chuyển lại đơn vị phù hợp.",
        en_sms="Report {code} was returned by a unit; dispatch it to the right unit.",
    ),
    "staff_case_extended": _staff(
        "Phản ánh {code} được đơn vị gia hạn xử lý",
        "Đơn vị xử lý đã gia hạn phản ánh mã {code} đến {due_at} (Điều 8.2a).\n\n"
        "Lý do:\n{reason}",
        "Report {code} extended by the unit",
        "The handling unit extended report {code} until {due_at} (Art. 8.2a).\n\n"
        "Reason:\n{reason}",
    ),
    "staff_draft_submitted": _staff(
        "Dự thảo trả lời phản ánh {code} chờ duyệt",
        "Dự thảo trả lời phản ánh mã {code} đang chờ lãnh đạo đơn vị phê duyệt.",
        "Draft reply to report {code} awaits approval",
        "The draft reply to report {code} waits for the unit leader's approval.",
    ),
    "staff_sent_back": _staff(
        "Kết quả xử lý phản ánh {code} bị gửi lại",
        "Kết quả xử lý phản ánh mã {code} được gửi lại đơn vị để bổ sung.",
        "Result of report {code} sent back",
        "The result of report {code} was sent back to your unit for rework.",
    ),
    "staff_case_approved": _staff(
        "Phản ánh {code} chờ công bố",
        "Kết quả xử lý phản ánh mã {code} đã được phê duyệt và chờ công bố.",
        "Report {code} awaits publication",
        "The result of report {code} was approved and waits for publication.",
    ),
    "staff_case_reopened": _staff(
        "Phản ánh {code} được mở lại",
        "Người phản ánh chưa hài lòng với kết quả phản ánh mã {code}; phản ánh được mở lại.",
        "Report {code} reopened",
        "The reporter was not satisfied with the reply to report {code}; it was reopened.",
    ),
    "staff_case_reprocess": _staff(
        "Phản ánh {code} cần xử lý lại",
        "Phản ánh mã {code} được giao lại cho đơn vị của bạn để xử lý lại.",
        "Report {code} to be handled again",
        "Report {code} was handed back to your unit to be handled again.",
    ),
    "staff_case_escalated": _staff(
        "Phản ánh {code} được báo cáo lãnh đạo tỉnh",
        "Trung tâm Giám sát, điều hành đã báo cáo phản ánh mã {code} để xin ý kiến chỉ đạo "
        "(Điều 4.8).\n\nTóm tắt:\n{summary}",
        "Report {code} escalated to the province's leadership",
        "The coordination centre escalated report {code} for direction (Art. 4.8).\n\n"
        "Summary:\n{summary}",
    ),
    "staff_case_escalated_secret": _staff(
        "Phản ánh {code} được báo cáo lãnh đạo tỉnh",
        "Trung tâm Giám sát, điều hành đã báo cáo phản ánh mã {code} để xin ý kiến chỉ đạo "
        "(Điều 4.8). Phản ánh thuộc bí mật nhà nước: nội dung được báo cáo qua kênh riêng.",
        "Report {code} escalated to the province's leadership",
        "The coordination centre escalated report {code} for direction (Art. 4.8). It is a "
        "state secret: its content is reported through the separate channel.",
    ),
    # The question itself is on the case page only: a message never carries citizen text.
    "staff_clarification_asked": _staff(
        "Người phản ánh hỏi thêm về phản ánh {code}",
        "Người phản ánh đã hỏi thêm về kết quả xử lý phản ánh mã {code}. Đơn vị xử lý "
        "hoặc Trung tâm Giám sát, điều hành trả lời trên trang phản ánh (Điều 11.2).",
        "The reporter asked about report {code}",
        "The reporter asked a question about the result of report {code}. The handling "
        "unit or the coordination centre answers it on the case page (Art. 11.2).",
    ),
    "staff_reminder": _staff(
        "Nhắc hạn xử lý phản ánh {code}",
        "Phản ánh mã {code} ({stage}) đến hạn lúc {due_at}.",
        "Deadline reminder for report {code}",
        "Report {code} ({stage}) is due at {due_at}.",
    ),
    "staff_overdue": _staff(
        "Phản ánh {code} đã quá hạn",
        "Phản ánh mã {code} ({stage}) đã quá hạn lúc {due_at}.",
        "Report {code} is overdue",
        "Report {code} ({stage}) was due at {due_at}.",
        vi_sms="Phản ánh mã {code} ({stage}) đã quá hạn lúc {due_at}.",
        en_sms="Report {code} ({stage}) was due at {due_at}.",
    ),
}

TEMPLATE_KEYS: tuple[str, ...] = tuple(DEFAULTS)

# Which events the reporter hears of, and by which message: the case event's kind → its
# templates (one per case, chosen by the service; publication's by visibility, an
# extension's by whether the case is a state secret). Each goes to every channel the
# reporter kept: SMS, e-mail, and the Facebook or Zalo conversation within its reply
# window. Other events (classification, a unit's acceptance, drafts and approvals, a send
# back for verification) are the province's own steps and tell the reporter nothing new.
REPORTER_EVENTS: dict[str, tuple[str, ...]] = {
    "received": ("case_received",),
    "rejected": ("case_rejected",),
    "dispatched": ("case_dispatched",),
    "extended": ("case_extended", "case_extended_offline"),
    # and to the reporter of each case closed as its duplicate (publication._notify_duplicates)
    "published": ("reply_published", "reply_private", "reply_offline", "duplicate_answered",
                  "duplicate_answered_offline"),
    "reopened": ("case_reopened",),
    "reprocessed": ("case_reprocessing",),
    "result_kept": ("case_result_kept",),
    "closed_as_duplicate": ("case_duplicate", "duplicate_answered", "duplicate_answered_offline"),
    "clarification_answered": ("clarification_answered",),
}

# Staff messages that a person may also take by SMS (routing.NotificationPreference): what
# cannot wait for the next look at the inbox.
URGENT_STAFF_TEMPLATES: frozenset[str] = frozenset({"staff_overdue", "staff_case_returned"})
