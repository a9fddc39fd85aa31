"""The case page's actions through the real pages: each POST does what its service does, for
the coordinator (revealing the reporter's contact and recording hotline calls among them)
and for the unit."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from routing.models import AuditEvent
from tests.conftest import MONDAY
from tests.workflow import drive
from tests.workflow.acting import (
    HOME,
    REQUIRED_VI,
    case_url,
    english,
    photo,
    post,
    private_media,  # noqa: F401 — an autouse fixture
    reload,
    text,
)
from workflow import services
from workflow.models import Assignment, Case, CaseEvent, Draft
from workflow.services import close_of_business
from workflow.worktime import get_calendar


# --- The coordinator ---------------------------------------------------------------------------
def test_the_coordinator_classifies_a_case_as_a_state_secret(client, province):
    case = province.receive()
    response = post(client, province.coordinator_user, "classify", case.pk,
                    {"category": province.permits.pk, "is_state_secret": "on"})
    assert response.status_code == 302
    assert response["Location"] == case_url(case)
    case = reload(case)
    assert (case.state, case.category, case.is_state_secret) == (
        Case.State.CLASSIFIED, province.permits, True)


def test_the_coordinator_sends_a_classified_case_back_for_verification(client, province):
    case = drive.classified(province, MONDAY)
    response = post(client, province.coordinator_user, "verify", case.pk,
                    {"reason": "Cần xác minh lại địa chỉ."})
    assert response.status_code == 302
    assert reload(case).state == Case.State.RECEIVED
    assert case.events.filter(kind="sent_back_for_verification",
                              note="Cần xác minh lại địa chỉ.").exists()


def test_the_coordinator_rejects_a_case_with_an_article_6_5_reason(client, province):
    case = province.receive()
    response = post(client, province.coordinator_user, "reject", case.pk,
                    {"reason": "advertising", "note": "Quảng cáo dịch vụ."})
    assert response.status_code == 302
    case = reload(case)
    assert (case.state, case.rejection_reason, case.rejection_note) == (
        Case.State.REJECTED, "advertising", "Quảng cáo dịch vụ.")


def test_the_coordinator_dispatches_to_two_units_at_once(client, province):
    case = drive.classified(province, MONDAY)
    response = post(client, province.coordinator_user, "dispatch", case.pk,
                    {"units": [province.roads.pk, province.power.pk],
                     "instructions": "Phối hợp xử lý."})
    assert response.status_code == 302
    assert reload(case).state == Case.State.ASSIGNED
    assert sorted(case.assignments.values_list("unit__code", "instructions")) == [
        ("power", "Phối hợp xử lý."), ("roads", "Phối hợp xử lý.")]


def test_the_dispatch_form_lists_the_active_units_as_labelled_tick_boxes(client, province):
    case = drive.classified(province, MONDAY)
    client.force_login(province.coordinator_user)
    html = client.get(case_url(case)).content.decode()
    assert '<ul class="unit-picker__list" id="id_dispatch_units"' in html
    assert '<label for="id_dispatch_units_0"><input type="checkbox" name="units"' in html
    assert province.other.name in html


def test_a_returned_case_is_re_routed_to_another_unit_through_the_pages(client, province):
    case = drive.assigned(province, MONDAY, units=[province.roads])
    roads = drive.assignment_of(case, province.roads)
    response = post(client, province.roads_staff_user, "return", roads.pk,
                    {"reason": "Không thuộc thẩm quyền của Sở."})
    assert response.status_code == 302
    assert response["Location"] == HOME  # the unit no longer sees the case
    assert reload(case).state == Case.State.CLASSIFIED

    english(client)
    client.force_login(province.coordinator_user)
    assert "Re-route to other units" in client.get(case_url(case)).content.decode()
    response = post(client, province.coordinator_user, "dispatch", case.pk,
                    {"units": [province.power.pk]})
    assert response.status_code == 302
    assert reload(case).state == Case.State.ASSIGNED
    assert drive.assignment_of(case, province.power).state == Assignment.State.PENDING


@pytest.mark.parametrize(("rework", "minutes"), [("revision", 30), ("redistribution", 60)])
def test_the_coordinator_sends_an_approved_result_back_to_the_unit(client, province, rework,
                                                                   minutes):
    case = drive.approved(province, MONDAY)
    assignment = drive.assignment_of(case, province.roads)
    before = timezone.now()
    response = post(client, province.coordinator_user, "send_back", assignment.pk,
                    {"rework": rework, "note": "Thiếu ảnh hiện trường."})
    assert response.status_code == 302
    assignment = reload(assignment)
    assert (assignment.state, assignment.rework) == (Assignment.State.PROCESSING, rework)
    assert assignment.due_at >= get_calendar().add_working_minutes(before, minutes)
    assert reload(case).state == Case.State.ASSIGNED


def test_the_publish_form_is_filled_with_the_approved_draft(client, province):
    case = drive.approved(province, MONDAY)
    client.force_login(province.coordinator_user)
    response = client.get(case_url(case))
    form = response.context["page"].actions[0].form
    assert form.initial["reply_text"] == "Đơn vị đã thay ba bóng đèn vào ngày 03/3/2026."
    assert form.initial["visibility"] == "public"
    assert 'type="radio" name="visibility" value="confidential"' in response.content.decode()


def test_the_coordinator_publishes_the_reply(client, province):
    case = drive.approved(province, MONDAY)
    response = post(client, province.coordinator_user, "publish", case.pk,
                    {"visibility": "confidential", "reply_text": "Đã thay ba bóng đèn."})
    assert response.status_code == 302
    case = reload(case)
    assert (case.state, case.is_confidential, case.reply_text) == (
        Case.State.PUBLISHED, True, "Đã thay ba bóng đèn.")


def test_a_confidential_case_cannot_be_published_publicly_and_says_so_next_to_the_choice(
    client, province,
):
    case = drive.approved(province, MONDAY, is_confidential=True)
    english(client)
    response = post(client, province.coordinator_user, "publish", case.pk,
                    {"visibility": "public", "reply_text": "Đã thay ba bóng đèn."})
    assert response.status_code == 400
    html = text(response)
    assert 'id="id_publish_visibility_error"' in html
    assert "the reply cannot be public (Art. 10.3b)" in html
    assert "Đã thay ba bóng đèn." in html
    assert reload(case).state == Case.State.APPROVED


def test_the_coordinator_reprocesses_a_reopened_case(client, province):
    case = drive.reopened(province, MONDAY)
    response = post(client, province.coordinator_user, "reprocess", case.pk,
                    {"units": [province.roads.pk], "note": "Người dân chưa hài lòng."})
    assert response.status_code == 302
    assert reload(case).state == Case.State.ASSIGNED
    assert drive.assignment_of(case, province.roads).rework == Assignment.Rework.REPROCESS


def test_the_coordinator_keeps_the_published_result(client, province):
    case = drive.reopened(province, MONDAY)
    response = post(client, province.coordinator_user, "keep_result", case.pk,
                    {"note": "Đơn vị đã trả lời đúng quy định."})
    assert response.status_code == 302
    assert reload(case).state == Case.State.PUBLISHED


# --- Revealing the reporter's contact (Art. 13.8, SECURITY DP3, AU1) -------------------------
def test_a_reveal_is_audited_and_shows_the_phone_to_that_unit_only(client, province):
    case = drive.assigned(province, MONDAY, units=[province.roads, province.power],
                          reporter_phone="0987654321", reporter_name="Lê Thị Kín Đáo")
    roads = drive.assignment_of(case, province.roads)
    response = post(client, province.coordinator_user, "reveal", roads.pk,
                    {"reason": "Cần liên hệ để khảo sát hiện trường."})
    assert response.status_code == 302
    assert reload(roads).contact_revealed
    event = CaseEvent.objects.get(case=case, kind="contact_revealed")
    assert (event.unit, event.actor, event.note) == (
        province.roads, province.coordinator_user, "Cần liên hệ để khảo sát hiện trường.")
    assert "0987654321" not in f"{event.note} {event.data}"
    assert "Kín Đáo" not in f"{event.note} {event.data}"
    audit = AuditEvent.objects.get(action="contact_revealed")
    assert (audit.actor, audit.ip, audit.object_id) == (
        province.coordinator_user, "127.0.0.1", str(roads.pk))
    assert "0987654321" not in str(audit.detail)

    client.force_login(province.roads_staff_user)
    assert "0987654321" in client.get(case_url(case)).content.decode()
    client.force_login(province.power_staff_user)
    power_page = client.get(case_url(case)).content.decode()
    assert "0987654321" not in power_page
    assert "Cần liên hệ để khảo sát" not in power_page  # another unit's reveal is not theirs


def test_a_reveal_needs_a_typed_reason(client, province):
    case = drive.assigned(province, MONDAY)
    roads = drive.assignment_of(case, province.roads)
    response = post(client, province.coordinator_user, "reveal", roads.pk, {"reason": "  "})
    assert response.status_code == 400
    assert REQUIRED_VI in text(response)
    assert not reload(roads).contact_revealed
    assert not CaseEvent.objects.filter(kind="contact_revealed").exists()


def test_revealing_twice_is_refused_with_409(client, province):
    case = drive.assigned(province, MONDAY)
    roads = drive.assignment_of(case, province.roads)
    services.reveal_contact(assignment_id=roads.pk, reason="Lần đầu", actor=province.coordinator,
                            now=MONDAY + timedelta(hours=1))
    english(client)
    response = post(client, province.coordinator_user, "reveal", roads.pk, {"reason": "Lần hai"})
    assert response.status_code == 409
    assert "already shown to this unit" in text(response)
    assert CaseEvent.objects.filter(kind="contact_revealed").count() == 1


def test_only_the_coordinator_may_reveal(province):
    from django.core.exceptions import PermissionDenied

    roads = drive.assignment_of(drive.assigned(province, MONDAY), province.roads)
    with pytest.raises(PermissionDenied):
        services.reveal_contact(assignment_id=roads.pk, reason="Tự xem",
                                actor=province.roads_leader, now=MONDAY + timedelta(hours=1))
    assert not reload(roads).contact_revealed


# --- The hotline -------------------------------------------------------------------------------
def test_a_hotline_call_becomes_a_received_case(client, province):
    client.force_login(province.coordinator_user)
    page = client.get(reverse("staff:hotline"))
    assert page.status_code == 200
    key = page.context["form"]["idempotency_key"].value()
    data = {"title": "Cống nghẹt ở phường 3", "content": "Nước tràn lên đường khi mưa.",
            "reporter_name": "Trần Văn Bình", "reporter_phone": "0909 123 456",
            "idempotency_key": key}
    response = client.post(reverse("staff:hotline"), data)
    case = Case.objects.get(title="Cống nghẹt ở phường 3")
    assert response.status_code == 302
    assert response["Location"] == case_url(case)
    assert (case.state, case.channel, case.created_by, case.reporter_phone) == (
        Case.State.RECEIVED, Case.Channel.HOTLINE, province.coordinator_user, "0909123456")
    client.post(reverse("staff:hotline"), data)  # sent twice: still one case
    assert Case.objects.filter(title="Cống nghẹt ở phường 3").count() == 1


def test_a_hotline_call_without_a_phone_or_e_mail_is_refused_next_to_the_phone(client, province):
    client.force_login(province.coordinator_user)
    english(client)
    response = client.post(reverse("staff:hotline"), {
        "title": "Cống nghẹt", "content": "Nước tràn.", "reporter_name": "Trần Văn Bình",
        "idempotency_key": "hotline:test-1"})
    assert response.status_code == 400
    assert 'id="id_reporter_phone_error"' in response.content.decode()
    assert "Give a phone number or an e-mail address." in text(response)
    assert 'value="Trần Văn Bình"' in response.content.decode()
    assert not Case.objects.exists()


def test_only_the_coordinator_records_hotline_calls(client, province):
    client.force_login(province.roads_staff_user)
    assert client.get(reverse("staff:hotline")).status_code == 403
    assert client.post(reverse("staff:hotline"), {"title": "x"}).status_code == 403
    assert not Case.objects.exists()


# --- The unit ----------------------------------------------------------------------------------
def test_unit_staff_accept_an_assignment(client, province):
    assignment = drive.assignment_of(drive.assigned(province, MONDAY), province.roads)
    response = post(client, province.roads_staff_user, "accept", assignment.pk)
    assert response.status_code == 302
    assert response["Location"] == case_url(assignment.case)
    assignment = reload(assignment)
    assert (assignment.state, assignment.handled_by) == (
        Assignment.State.PROCESSING, province.roads_staff_user)


def test_unit_staff_ask_for_an_extension_with_a_date(client, province):
    assignment = drive.processing(province, timezone.now())
    new_day = (assignment.due_at + timedelta(days=10)).date()
    response = post(client, province.roads_staff_user, "extend", assignment.pk,
                    {"reason": "Chờ vật tư thay thế.", "expected_date": new_day.isoformat()})
    assert response.status_code == 302
    assignment = reload(assignment)
    assert assignment.is_extended
    assert assignment.due_at == close_of_business(new_day)


def test_an_extension_not_after_the_deadline_is_refused_next_to_the_date(client, province):
    assignment = drive.processing(province, timezone.now())
    english(client)
    response = post(client, province.roads_staff_user, "extend", assignment.pk,
                    {"reason": "Chờ vật tư thay thế.",
                     "expected_date": timezone.localdate().isoformat()})
    assert response.status_code == 400
    html = text(response)
    assert f'id="id_extend-{assignment.pk}_expected_date_error"' in html
    assert "The expected date must be after the current deadline." in html
    assert "Chờ vật tư thay thế." in html
    assert not reload(assignment).is_extended


def test_unit_staff_submit_a_draft_in_the_appendix_1_form_with_photos(client, province):
    assignment = drive.processing(province, MONDAY)
    response = post(client, province.roads_staff_user, "draft", assignment.pk, {
        "number": "123/SGTVT", "date": "2026-03-04", "addressee": "Ông/bà phản ánh",
        "body": "Đã vá ổ gà.", "signer": "Nguyễn Văn Sở", "signer_title": "Giám đốc",
        "recipients": "Như trên;\nLưu: VT.",
        "photos": [photo(name="truoc.jpg"), photo("PNG", name="sau.png")],
    })
    assert response.status_code == 302
    assert reload(assignment).state == Assignment.State.AWAITING_APPROVAL
    draft = Draft.objects.get(assignment=assignment)
    assert (draft.number, str(draft.date), draft.signer_title) == (
        "123/SGTVT", "2026-03-04", "Giám đốc")
    stored = [p.image for p in draft.photos.all()]
    assert len(stored) == 2
    for image_file in stored:
        assert "truoc" not in image_file.name and "sau" not in image_file.name
        with image_file.open("rb") as fh, Image.open(fh) as image:
            assert dict(image.getexif()) == {}  # re-encoded without its metadata (DP5)


def test_a_draft_returned_to_staff_opens_with_its_newest_version_in_the_form(client, province):
    assignment = drive.awaiting_approval(province, MONDAY)
    services.return_to_staff(assignment_id=assignment.pk, note="Bổ sung số văn bản.",
                             actor=province.roads_leader, now=MONDAY + timedelta(hours=2))
    services.submit_draft(assignment_id=assignment.pk, actor=province.roads_staff,
                          now=MONDAY + timedelta(hours=3), body="Bản thứ hai.",
                          number="45/SGTVT", date=date(2026, 3, 9), signer_title="Phó Giám đốc")
    services.return_to_staff(assignment_id=assignment.pk, note="Sửa lời chào.",
                             actor=province.roads_leader, now=MONDAY + timedelta(hours=4))
    client.force_login(province.roads_staff_user)
    page_ = client.get(reverse("staff:case", args=[assignment.case_id])).context["page"]
    assert [(d.version, d.body) for d in page_.drafts] == [(2, "Bản thứ hai.")]
    form = [a.form for unit in page_.unit_actions for a in unit.actions
            if a.key == f"draft-{assignment.pk}"][0]
    assert (form.initial["number"], form.initial["date"], form.initial["signer_title"],
            form.initial["body"]) == ("45/SGTVT", date(2026, 3, 9), "Phó Giám đốc",
                                      "Bản thứ hai.")


def test_a_text_file_named_jpg_is_refused_as_a_photo(client, province):
    assignment = drive.processing(province, MONDAY)
    english(client)
    fake = SimpleUploadedFile("anh.jpg", b"not an image at all", content_type="image/jpeg")
    response = post(client, province.roads_staff_user, "draft", assignment.pk,
                    {"body": "Đã vá ổ gà trên đường.", "photos": [fake]})
    assert response.status_code == 400
    html = text(response)
    assert f'id="id_draft-{assignment.pk}_photos_error"' in html
    assert "“anh.jpg” is not a photo: attach a JPEG, PNG or WebP image." in html
    assert "Đã vá ổ gà trên đường." in html
    assert reload(assignment).state == Assignment.State.PROCESSING
    assert not Draft.objects.exists()


def test_more_than_five_photos_are_refused(client, province):
    assignment = drive.processing(province, MONDAY)
    response = post(client, province.roads_staff_user, "draft", assignment.pk,
                    {"body": "Đã vá ổ gà.", "photos": [photo(name=f"{i}.jpg") for i in range(6)]})
    assert response.status_code == 400
    assert not Draft.objects.exists()


def test_a_category_that_needs_photos_refuses_a_draft_without_one(client, province):
    case = drive.assigned(province, MONDAY)
    Case.objects.filter(pk=case.pk).update(category=province.lighting)  # lighting needs photos
    assignment = drive.assignment_of(case, province.roads)
    services.accept_assignment(assignment_id=assignment.pk, actor=province.roads_staff,
                               now=MONDAY + timedelta(hours=1))
    english(client)
    response = post(client, province.roads_staff_user, "draft", assignment.pk,
                    {"body": "Đã thay bóng đèn."})
    assert response.status_code == 400
    assert f'id="id_draft-{assignment.pk}_photos_error"' in response.content.decode()
    assert "needs at least one photo" in text(response)


def test_the_leader_approves_the_draft(client, province):
    assignment = drive.awaiting_approval(province, MONDAY)
    response = post(client, province.roads_leader_user, "approve", assignment.pk)
    assert response.status_code == 302
    assert reload(assignment).state == Assignment.State.APPROVED
    assert reload(assignment.case).state == Case.State.APPROVED


def test_the_leader_edits_and_approves(client, province):
    assignment = drive.awaiting_approval(province, MONDAY)
    client.force_login(province.roads_leader_user)
    page = client.get(case_url(assignment.case))
    edit = next(a for u in page.context["page"].unit_actions for a in u.actions
                if a.key == f"edit_approve-{assignment.pk}")
    assert edit.form.initial["body"] == "Đơn vị đã thay ba bóng đèn vào ngày 03/3/2026."
    response = post(client, province.roads_leader_user, "edit_approve", assignment.pk,
                    {"body": "Bản lãnh đạo đã sửa."})
    assert response.status_code == 302
    assert reload(assignment).state == Assignment.State.APPROVED
    assert assignment.drafts.order_by("-version").first().body == "Bản lãnh đạo đã sửa."


def test_the_leader_returns_the_draft_to_staff(client, province):
    assignment = drive.awaiting_approval(province, MONDAY)
    response = post(client, province.roads_leader_user, "return_to_staff", assignment.pk,
                    {"note": "Bổ sung số văn bản."})
    assert response.status_code == 302
    assignment = reload(assignment)
    assert (assignment.state, assignment.rework, assignment.rework_note) == (
        Assignment.State.PROCESSING, Assignment.Rework.LEADER_RETURN, "Bổ sung số văn bản.")
