"""The admin: units with the Art. 17.1 warning, and cases that can be read, never changed."""


import pytest
from django.urls import reverse

from feedback.services import add_reporter_comment, rate_case
from tests.conftest import MONDAY
from tests.workflow import drive
from workflow.models import Case
from workflow.sweep import sweep_deadlines


@pytest.fixture
def case(province) -> Case:
    return drive.published(province, MONDAY)


def test_the_unit_changelist_answers(admin_client, province):
    response = admin_client.get(reverse("admin:routing_unit_changelist"))
    assert response.status_code == 200
    assert "Sở Giao thông vận tải" in response.content.decode()


def test_the_unit_changelist_warns_about_a_unit_without_a_leader(admin_client, province):
    response = admin_client.get(reverse("admin:routing_unit_changelist"))
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "UBND huyện Châu Thành" in warnings[0]
    assert "Sở Giao thông vận tải" not in warnings[0]


def test_the_unit_change_page_shows_its_members(admin_client, province):
    response = admin_client.get(
        reverse("admin:routing_unit_change", args=[province.roads.pk])
    )
    assert response.status_code == 200
    assert "roads-leader" in response.content.decode()


def test_the_case_changelist_answers_without_the_reporter(admin_client, case):
    response = admin_client.get(reverse("admin:workflow_case_changelist"))
    content = response.content.decode()
    assert response.status_code == 200
    assert case.tracking_code in content
    assert "Nguyễn Văn An" not in content and "0912345678" not in content


def test_the_case_changelist_finds_a_dashed_tracking_code(admin_client, case, province):
    other = province.receive(now=MONDAY)
    response = admin_client.get(
        reverse("admin:workflow_case_changelist"), {"q": case.display_code.lower()}
    )
    content = response.content.decode()
    assert case.tracking_code in content and other.tracking_code not in content


def test_the_case_event_changelist_answers(admin_client, case):
    response = admin_client.get(reverse("admin:workflow_caseevent_changelist"))
    assert response.status_code == 200
    assert case.display_code in response.content.decode()


@pytest.mark.parametrize("name", [
    "workflow_outboxmessage", "workflow_deadlinealert", "feedback_comment", "feedback_rating",
    "routing_area", "routing_category", "routing_provincerole", "routing_membership",
])
def test_the_other_changelists_answer(admin_client, case, name):
    add_reporter_comment(case_id=case.pk, body="Xin hỏi thêm.", now=MONDAY.replace(hour=15))
    rate_case(case_id=case.pk, value="satisfied", now=MONDAY.replace(hour=16))
    sweep_deadlines(now=MONDAY.replace(day=20))
    response = admin_client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200


def test_the_case_page_offers_no_save_button(admin_client, case):
    response = admin_client.get(reverse("admin:workflow_case_change", args=[case.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in content and 'name="_continue"' not in content
    assert "Nguyễn Văn An" not in content


def test_a_post_to_the_case_page_is_refused(admin_client, case):
    response = admin_client.post(
        reverse("admin:workflow_case_change", args=[case.pk]), {"channel": "web"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == Case.State.PUBLISHED


def test_cases_cannot_be_added_or_deleted_in_the_admin(admin_client, case):
    assert admin_client.get(reverse("admin:workflow_case_add")).status_code == 403
    assert admin_client.get(
        reverse("admin:workflow_case_delete", args=[case.pk])
    ).status_code == 403


def test_case_events_cannot_be_deleted_in_the_admin(admin_client, case):
    event = case.events.first()
    response = admin_client.post(reverse("admin:workflow_caseevent_delete", args=[event.pk]),
                                 {"post": "yes"})
    assert response.status_code == 403
    assert case.events.filter(pk=event.pk).exists()


# --- Periodic report drafts, their notices and the signed letters: read, never changed -----
SIGNED_PDF = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Sig /ByteRange [0 120 4216 512] /Contents <3082> >>\n"
    b"endobj\ntrailer\n<< >>\n%%EOF\n"
)


def report_rows(province, month: int) -> None:
    """The drafts of the reports due in `month` of 2026, a notice to the supervisor for
    each, and a signed letter for a case approved that month, all by the real services."""
    from datetime import date

    from reports.services import prepare_report_drafts, update_draft
    from tests.conftest import at
    from workflow.signed_letters import upload_signed_letter

    for draft in prepare_report_drafts(today=date(2026, month, 16),
                                       now=at(2026, month, 16, 8, 0)):
        update_draft(draft_id=draft.pk, difficulties=f"Khó khăn của tháng {month}.",
                     number="", actor=province.supervisor, now=at(2026, month, 16, 9, 0))
    case = drive.approved(province, at(2026, month, 2, 8, 0))
    upload_signed_letter(assignment_id=drive.assignment_of(case, province.roads).pk,
                         data=SIGNED_PDF + str(month).encode(), actor=province.coordinator,
                         now=at(2026, month, 3, 8, 0))


def test_a_report_draft_shows_its_text_and_offers_no_save_button(admin_client, province,
                                                                settings, tmp_path):
    from reports.models import ReportDraft

    settings.MEDIA_ROOT = tmp_path / "media"
    report_rows(province, 3)
    draft = ReportDraft.objects.filter(kind="monthly").get()
    content = admin_client.get(
        reverse("admin:reports_reportdraft_change", args=[draft.pk])
    ).content.decode()
    assert "Khó khăn của tháng 3." in content and "15/02/2026 – 14/03/2026" in content
    assert 'name="_save"' not in content
    assert admin_client.get(reverse("admin:reports_reportdraft_add")).status_code == 403
    response = admin_client.post(reverse("admin:reports_reportdraft_delete", args=[draft.pk]),
                                 {"post": "yes"})
    assert response.status_code == 403 and ReportDraft.objects.filter(pk=draft.pk).exists()


def test_a_signed_letter_shows_its_hash_and_never_its_file(admin_client, province, settings,
                                                           tmp_path):
    import hashlib

    from workflow.models import SignedLetter

    settings.MEDIA_ROOT = tmp_path / "media"
    report_rows(province, 3)
    letter = SignedLetter.objects.get()
    listed = admin_client.get(reverse("admin:workflow_signedletter_changelist")).content.decode()
    page = admin_client.get(
        reverse("admin:workflow_signedletter_change", args=[letter.pk])
    ).content.decode()
    digest = hashlib.sha256(SIGNED_PDF + b"3").hexdigest()
    assert digest in listed and digest in page
    assert letter.file.name not in listed and letter.file.name not in page
    assert 'name="_save"' not in page


def test_a_logged_in_unit_member_opening_an_admin_link_is_refused_not_sent_round(client,
                                                                                province):
    client.force_login(province.roads_staff_user)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2
