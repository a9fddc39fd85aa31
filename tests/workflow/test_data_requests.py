"""A reporter asks to see, correct or delete their data (SECURITY DP7), and every field that
holds a person's data is in the inventory (DP1)."""

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder

from feedback.models import ChannelSender, Comment, Consent
from routing.models import AuditEvent
from routing.selectors import REPORTER
from tests.conftest import MONDAY, at
from tests.workflow import drive
from workflow import services
from workflow.errors import TransitionRefused
from workflow.models import Case, DataRequest, SentMessage
from workflow.notifications.delivery import deliver_message, requeue_pending
from workflow.privacy import inventory
from workflow.privacy import requests as privacy
from workflow.privacy.retention import ANONYMOUS_NAME

pytestmark = pytest.mark.django_db

STEP = timedelta(minutes=10)


def ask(province, case, kind, now=MONDAY + timedelta(hours=1), **kwargs):
    return privacy.file_request(case=case, kind=kind, channel=DataRequest.Channel.WEB,
                                actor=REPORTER, now=now, **kwargs)


def audit_steps(data_request):
    return list(AuditEvent.objects.filter(
        action=AuditEvent.Action.PERSONAL_DATA, object_id=str(data_request.pk),
    ).order_by("pk").values_list("detail__step", flat=True))


# --- Filing -------------------------------------------------------------------------------------
def test_a_request_is_due_for_an_answer_in_two_working_days_and_done_in_ten(province):
    case = province.receive()
    friday = at(2026, 3, 6, 16, 0)

    data_request = ask(province, case, DataRequest.Kind.ACCESS, now=friday)

    # Friday's request: Monday and Tuesday are the two working days; the weekend is not.
    assert data_request.answer_by == at(2026, 3, 10, 17, 0)
    assert data_request.complete_by == at(2026, 3, 20, 17, 0)
    assert data_request.subject_phone == "0912345678"
    assert data_request.tracking_code == case.tracking_code
    assert audit_steps(data_request) == ["filed"]


def test_the_deadlines_skip_the_national_holidays(province):
    # Thursday 30 April and Friday 1 May 2026 are days off.
    case = province.receive(now=at(2026, 4, 28, 9, 0))

    data_request = ask(province, case, DataRequest.Kind.ACCESS, now=at(2026, 4, 29, 10, 0))

    assert data_request.answer_by == at(2026, 5, 5, 17, 0)


def test_asking_twice_makes_one_open_request(province):
    case = province.receive()

    first = ask(province, case, DataRequest.Kind.ACCESS)
    second = ask(province, case, DataRequest.Kind.ACCESS)

    assert first.pk == second.pk
    assert DataRequest.objects.count() == 1


def test_a_correction_must_say_what_to_correct_and_is_checked(province):
    case = province.receive()

    with pytest.raises(ValidationError) as nothing:
        ask(province, case, DataRequest.Kind.CORRECT, corrections={})
    with pytest.raises(ValidationError) as bad:
        ask(province, case, DataRequest.Kind.CORRECT,
            corrections={"reporter_email": "not an address", "reporter_phone": "12"})

    assert "reporter_name" in nothing.value.message_dict
    assert set(bad.value.message_dict) == {"reporter_email", "reporter_phone"}
    assert not DataRequest.objects.exists()


def test_a_unit_member_cannot_file_or_handle_a_request(province):
    case = province.receive()
    data_request = ask(province, case, DataRequest.Kind.ACCESS)

    with pytest.raises(PermissionDenied):
        privacy.file_request(case=case, kind=DataRequest.Kind.ACCESS,
                             channel=DataRequest.Channel.HOTLINE, actor=province.roads_staff,
                             now=MONDAY)
    with pytest.raises(PermissionDenied):
        privacy.export(data_request=data_request, actor=province.roads_leader)
    with pytest.raises(PermissionDenied):
        privacy.answer(request_id=data_request.pk, actor=province.supervisor, now=MONDAY)


# --- Seeing the data ----------------------------------------------------------------------------
def test_the_export_holds_every_case_filed_with_the_phone_and_nothing_of_others(province):
    first = province.receive(title="Đèn đường hỏng")
    second = province.receive(now=MONDAY + STEP, title="Ổ gà trên đường 30/4",
                              reporter_email="an.moi@example.vn")
    province.receive(now=MONDAY + 2 * STEP, title="Cống nghẹt", reporter_name="Trần Thị Bình",
                     reporter_phone="0987654321")
    Consent.objects.create(case=first, purpose="processing", notice_version="2026-01",
                           given_at=MONDAY)
    Comment.objects.create(case=second, author_kind="reporter", body="Xin cảm ơn.",
                           created_at=MONDAY + STEP)
    data_request = ask(province, first, DataRequest.Kind.ACCESS)

    document = privacy.export(data_request=data_request, actor=province.coordinator)

    text = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False)
    assert [c["tracking_code"] for c in document["cases"]] == [first.tracking_code,
                                                               second.tracking_code]
    assert "an.moi@example.vn" in text and "Nguyễn Văn An" in text and "Xin cảm ơn." in text
    assert document["cases"][0]["consents"][0]["notice_version"] == "2026-01"
    assert "Trần Thị Bình" not in text and "Cống nghẹt" not in text
    assert audit_steps(data_request) == ["filed", "exported"]


def test_the_export_audit_records_the_reveal_but_not_the_data(province):
    case = province.receive()
    data_request = ask(province, case, DataRequest.Kind.ACCESS)

    privacy.export(data_request=data_request, actor=province.coordinator)

    details = json.dumps(list(AuditEvent.objects.values("detail")), ensure_ascii=False)
    assert "0912345678" not in details and "Nguyễn Văn An" not in details


def test_answering_then_closing_an_access_request(province):
    case = province.receive()
    data_request = ask(province, case, DataRequest.Kind.ACCESS)

    privacy.answer(request_id=data_request.pk, actor=province.coordinator,
                   now=MONDAY + 2 * STEP, note="Sẽ gửi bản trích xuất qua thư điện tử.")
    done = privacy.complete_access(request_id=data_request.pk, actor=province.coordinator,
                                   now=MONDAY + 3 * STEP)

    assert done.status == DataRequest.Status.DONE
    assert done.answered_at == MONDAY + 2 * STEP and done.completed_at == MONDAY + 3 * STEP
    assert done.handled_by == province.coordinator_user
    with pytest.raises(TransitionRefused):
        privacy.complete_access(request_id=data_request.pk, actor=province.coordinator,
                                now=MONDAY + 4 * STEP)
    assert audit_steps(data_request) == ["filed", "answered", "completed"]


# --- Correcting ---------------------------------------------------------------------------------
def test_a_correction_is_written_on_every_case_of_the_reporter_in_nfc(province):
    first = province.receive()
    second = province.receive(now=MONDAY + STEP)
    decomposed = "Nguye\u0302\u0303n Văn An"  # "Nguyễn" typed with combining marks
    data_request = ask(province, first, DataRequest.Kind.CORRECT,
                       corrections={"reporter_name": decomposed,
                                    "reporter_address": "12 đường 30/4, phường 1"})

    privacy.apply_corrections(request_id=data_request.pk, actor=province.coordinator,
                              now=MONDAY + 2 * STEP)

    for case in (first, second):
        case.refresh_from_db()
        assert case.reporter_name == "Nguyễn Văn An"
        assert case.reporter_address == "12 đường 30/4, phường 1"
        assert case.reporter_email == "an@example.vn"  # not asked for: unchanged
    corrected = AuditEvent.objects.get(detail__step="corrected")
    assert corrected.detail["fields"] == ["reporter_address", "reporter_name"]
    assert "30/4" not in json.dumps(corrected.detail, ensure_ascii=False)


def test_a_corrected_phone_moves_the_request_to_the_new_phone(province):
    case = province.receive()
    data_request = ask(province, case, DataRequest.Kind.CORRECT,
                       corrections={"reporter_phone": "0977 111 222"})

    done = privacy.apply_corrections(request_id=data_request.pk, actor=province.coordinator,
                                     now=MONDAY + STEP)

    case.refresh_from_db()
    assert case.reporter_phone == "0977111222" == done.subject_phone


# --- Deleting -----------------------------------------------------------------------------------
def test_erasure_waits_while_a_case_of_the_reporter_is_being_handled(province):
    published = drive.published(province, MONDAY)
    drive.assigned(province, MONDAY + timedelta(hours=1))  # same phone, still with the unit
    data_request = ask(province, published, DataRequest.Kind.DELETE,
                       now=MONDAY + timedelta(hours=2))

    with pytest.raises(TransitionRefused) as refused:
        privacy.erase(request_id=data_request.pk, actor=province.coordinator,
                      now=MONDAY + timedelta(hours=3))

    assert "still being handled" in str(refused.value)
    published.refresh_from_db()
    assert published.reporter_phone == "0912345678"
    assert DataRequest.objects.get().is_open


def test_erasure_deletes_the_messages_kept_for_the_reporter_where_no_gateway_is(province,
                                                                              settings):
    for name, kind in (("SMS_BACKEND", "SmsBackend"), ("EMAIL_BACKEND", "EmailBackend"),
                       ("CHANNEL_REPLY_BACKEND", "ChannelBackend")):
        setattr(settings, name, f"workflow.notifications.sent.{kind}")
    published = drive.published(province, MONDAY)
    by_zalo = province.receive(now=MONDAY, channel=Case.Channel.ZALO, reporter_email="")
    ChannelSender.objects.create(case=by_zalo, platform="zalo", sender_id="zalo-user-42",
                                 raw_payload={}, received_at=MONDAY)
    services.reject_case(case_id=by_zalo.pk, reason="incomplete", actor=province.coordinator,
                         now=MONDAY + timedelta(hours=1))
    province.receive(now=MONDAY, reporter_phone="0987654321", reporter_email="binh@example.vn")
    later = MONDAY + timedelta(hours=2)
    for pk in requeue_pending(later):
        deliver_message(pk, later)
    theirs = {"0912345678", "an@example.vn", "zalo-user-42"}
    assert theirs <= set(SentMessage.objects.values_list("recipient", flat=True))
    data_request = ask(province, published, DataRequest.Kind.DELETE, now=later)

    privacy.erase(request_id=data_request.pk, actor=province.coordinator, now=later + STEP)

    kept = set(SentMessage.objects.values_list("recipient", flat=True))
    assert not theirs & kept
    assert {"0987654321", "binh@example.vn"} <= kept  # another reporter's stay


def test_erasure_removes_the_contact_from_every_closed_case_and_keeps_the_public_record(province):
    published = drive.published(province, MONDAY)
    rejected = province.receive(now=MONDAY + timedelta(hours=1), title="Không rõ nội dung")
    services.reject_case(case_id=rejected.pk, reason="incomplete", actor=province.coordinator,
                         now=MONDAY + timedelta(hours=2))
    ChannelSender.objects.create(case=published, platform="zalo", sender_id="zalo-user-42",
                                 raw_payload={"text": "x"}, received_at=MONDAY)
    other = province.receive(now=MONDAY + timedelta(hours=1), reporter_name="Trần Thị Bình",
                             reporter_phone="0987654321")
    data_request = ask(province, published, DataRequest.Kind.DELETE,
                       now=MONDAY + timedelta(hours=3), details="Xin xoá số điện thoại của tôi.")

    done = privacy.erase(request_id=data_request.pk, actor=province.coordinator,
                         now=MONDAY + timedelta(hours=4))

    for case in (published, rejected):
        case.refresh_from_db()
        assert (case.reporter_name, case.reporter_phone, case.reporter_email,
                case.reporter_address) == (ANONYMOUS_NAME, "", "", "")
    assert published.reply_text == "Đã thay bóng đèn." and published.state == "published"
    sender = ChannelSender.objects.get(case=published)
    assert (sender.sender_id, sender.raw_payload) == ("", {})
    assert (done.status, done.subject_phone, done.details) == ("done", "", "")
    other.refresh_from_db()
    assert other.reporter_phone == "0987654321"
    assert audit_steps(data_request) == ["filed", "erased"]


def test_a_refusal_needs_its_reason(province):
    case = province.receive()
    data_request = ask(province, case, DataRequest.Kind.DELETE)

    with pytest.raises(ValidationError):
        privacy.refuse(request_id=data_request.pk, actor=province.coordinator, now=MONDAY,
                       reason="   ")
    refused = privacy.refuse(request_id=data_request.pk, actor=province.coordinator,
                             now=MONDAY + STEP, reason="Hồ sơ đang được giải quyết.")

    assert refused.status == DataRequest.Status.REFUSED
    assert refused.outcome_note == "Hồ sơ đang được giải quyết."


def test_overdue_requests_are_listed_by_what_is_late(province):
    case = province.receive()
    late = ask(province, case, DataRequest.Kind.ACCESS)
    answered = ask(province, case, DataRequest.Kind.DELETE)
    privacy.answer(request_id=answered.pk, actor=province.coordinator, now=MONDAY + STEP)

    overdue = privacy.overdue(late.complete_by + STEP)

    assert set(overdue["unanswered"]) == {late}
    assert set(overdue["not_carried_out"]) == {late, answered}
    assert not privacy.overdue(MONDAY + 2 * STEP)["unanswered"].exists()


# --- The inventory (DP1) ------------------------------------------------------------------------
PERSONAL_WORDS = {"phone", "email", "address", "ip", "sender", "payload", "latitude",
                  "longitude", "reporter", "subject", "signer", "username", "corrections",
                  "details"}
PERSONAL_NAMES = {"first_name", "last_name"}
PROJECT_APPS = {"workflow", "feedback", "routing", "publishing", "reports", "auth"}


def personal_looking_fields():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.concrete_fields:
            words = set(field.name.split("_"))
            typed = field.get_internal_type() in {"EmailField", "GenericIPAddressField"}
            if words & PERSONAL_WORDS or field.name in PERSONAL_NAMES or typed:
                yield f"{model._meta.app_label}.{model.__name__}.{field.name}"


def test_every_field_that_looks_personal_is_in_the_inventory_or_explained():
    unlisted = [name for name in personal_looking_fields()
                if name not in inventory.personal_data() and name not in inventory.not_personal()]

    assert unlisted == []


def test_every_inventory_entry_names_a_real_field_with_a_class_purpose_and_retention():
    for name in [*inventory.personal_data(), *inventory.not_personal()]:
        app_label, model_name, field_name = name.split(".")
        model = apps.get_model(app_label, model_name)
        assert model._meta.get_field(field_name)
    for entry in inventory.personal_data().values():
        assert entry.category in {inventory.BASIC, inventory.SENSITIVE,
                                  inventory.CONFIDENTIAL_IDENTITY}
        assert str(entry.purpose) and str(entry.retention)


def test_the_case_contact_fields_are_confidential_identity():
    for field in ("reporter_name", "reporter_phone", "reporter_email", "reporter_address"):
        assert inventory.personal_field(f"workflow.Case.{field}").category == \
            inventory.CONFIDENTIAL_IDENTITY
    assert Case._meta.get_field("reporter_phone")
