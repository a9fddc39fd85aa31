"""The unit's signed reply letter (Decree 30/2020): uploaded by a leader of the unit or the
coordinator, then served instead of the generated letter, with its SHA-256."""

import base64
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from publishing.letters import public_results
from routing.models import AuditEvent, Membership
from tests.conftest import at
from tests.factories import member
from tests.workflow import drive
from workflow.letters import staff_letter_links
from workflow.models import SignedLetter
from workflow.signed_letters import has_signature_dictionary
from workflow.views.case import case_assignments

SIGNED = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached"
    b" /ByteRange [0 120 4216 512] /Contents <3082> >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
)
UNSIGNED = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


def public_letters(case_id: int):
    """The letters the public case page links (publishing.letters.public_results)."""
    return [result.letter for result in public_results(case_id)]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client
    return login


@pytest.fixture
def approved(province):
    case = drive.approved(province, at(2026, 3, 2, 8, 0))
    return drive.assignment_of(case, province.roads)


def upload(client, assignment, data=SIGNED, name="cong-van.pdf"):
    return client.post(reverse("letters:signed", args=[assignment.pk]),
                       {"file": SimpleUploadedFile(name, data, "application/pdf")})


@pytest.mark.django_db
def test_the_unit_leaders_upload_replaces_the_generated_letter_byte_for_byte(
    approved, province, client_of
):
    client = client_of(province.roads_leader_user)
    letter_url = reverse("letters:reply", args=[approved.pk])
    generated = client.get(letter_url).content
    assert upload(client, approved).status_code == 302

    response = client.get(letter_url)
    assert response.status_code == 200
    assert response.content == SIGNED != generated
    digest = hashlib.sha256(SIGNED).hexdigest()
    encoded = base64.b64encode(hashlib.sha256(SIGNED).digest()).decode()
    assert response["Repr-Digest"] == f"sha-256=:{encoded}:"
    stored = SignedLetter.objects.get(assignment=approved)
    assert stored.sha256 == digest and stored.size == len(SIGNED)
    assert stored.uploaded_by == province.roads_leader_user and stored.has_signature
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CONFIG_CHANGED, detail__change="signed_letter_uploaded",
        detail__sha256=digest, actor=province.roads_leader_user,
    ).exists()
    page = client.get(reverse("letters:signed", args=[approved.pk]))
    assert page.status_code == 200 and digest in page.content.decode()


@pytest.mark.django_db
def test_the_coordinator_may_upload_and_the_latest_upload_wins(approved, province, client_of):
    client = client_of(province.coordinator_user)
    assert upload(client, approved).status_code == 302
    assert upload(client, approved, UNSIGNED).status_code == 302
    assert client.get(reverse("letters:reply", args=[approved.pk])).content == UNSIGNED
    assert SignedLetter.objects.filter(assignment=approved).count() == 2


@pytest.mark.django_db
def test_unit_staff_who_do_not_sign_for_the_unit_are_refused(approved, province, client_of):
    response = upload(client_of(province.roads_staff_user), approved)
    assert response.status_code == 403
    assert not SignedLetter.objects.exists()


@pytest.mark.django_db
def test_another_units_leader_finds_nothing(approved, province, client_of):
    client = client_of(province.power_leader_user)
    assert upload(client, approved).status_code == 404
    assert client.get(reverse("letters:signed", args=[approved.pk])).status_code == 404
    assert not SignedLetter.objects.exists()


@pytest.mark.django_db
def test_there_is_nothing_to_upload_before_the_leader_approves(province, client_of):
    assignment = drive.awaiting_approval(province, at(2026, 3, 2, 8, 0))
    assert upload(client_of(province.roads_leader_user), assignment).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("data, error", [
    (b"<html>not a pdf</html>", "The file is not a PDF."),
    (b"%PDF-1.7\n" + b"0" * 2048, "The file is larger than 0 MB."),
])
def test_a_file_that_is_not_a_pdf_or_too_large_is_refused_with_its_reason(
    approved, province, client_of, settings, data, error
):
    settings.SIGNED_LETTER_MAX_BYTES = 1024
    client = client_of(province.roads_leader_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = upload(client, approved, data)
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()
    assert error in response.content.decode()
    assert not SignedLetter.objects.exists()


def test_a_signature_dictionary_is_recorded_not_required():
    assert has_signature_dictionary(SIGNED)
    assert not has_signature_dictionary(UNSIGNED)


@pytest.mark.django_db
def test_the_case_pages_links_show_the_signed_letter_and_its_hash(approved, province,
                                                                 client_of):
    upload(client_of(province.roads_leader_user), approved, UNSIGNED)
    [link] = staff_letter_links(province.roads_leader, approved.case_id)
    assert link.signed and link.sha256 == hashlib.sha256(UNSIGNED).hexdigest()
    assert link.upload_url == reverse("letters:signed", args=[approved.pk])
    [staff_view] = staff_letter_links(province.roads_staff, approved.case_id)
    assert staff_view.signed and staff_view.upload_url == ""
    assert staff_letter_links(province.power_staff, approved.case_id) == []


@pytest.mark.django_db
def test_the_case_page_reads_the_same_links_from_the_assignments_it_already_has(
        approved, province, client_of):
    upload(client_of(province.roads_leader_user), approved, UNSIGNED)
    upload(client_of(province.roads_leader_user), approved, SIGNED)  # the newer one counts
    case = approved.case
    for actor in (province.coordinator, province.roads_leader, province.roads_staff,
                  province.power_staff, province.supervisor):
        from_page = staff_letter_links(actor, case.pk, case_assignments(actor, case))
        assert from_page == staff_letter_links(actor, case.pk)
    [link] = staff_letter_links(province.roads_leader, case.pk,
                                case_assignments(province.roads_leader, case))
    assert link.sha256 == hashlib.sha256(SIGNED).hexdigest()


@pytest.mark.django_db
def test_the_public_page_serves_the_signed_letter_of_a_published_case(province, client,
                                                                     client_of):
    case = drive.published(province, at(2026, 3, 2, 8, 0))
    assignment = drive.assignment_of(case, province.roads)
    [before] = public_letters(case.pk)
    assert not before.signed
    assert client.get(before.url).content.startswith(b"%PDF")

    upload(client_of(member(province.roads, Membership.Role.LEADER, username="l2")),
           assignment)
    client.logout()
    [after] = public_letters(case.pk)
    assert after.signed and after.sha256 == hashlib.sha256(SIGNED).hexdigest()
    response = client.get(after.url)
    assert response.content == SIGNED
    assert case.tracking_code not in response["Content-Disposition"]


@pytest.mark.django_db
def test_no_public_letter_for_a_case_not_published_or_confidential(approved, province,
                                                                  client):
    assert public_letters(approved.case_id) == []
    url = reverse("publishing:letter", args=[approved.pk])
    assert client.get(url).status_code == 404
    confidential = drive.approved(province, at(2026, 3, 3, 8, 0))
    from workflow import services

    services.publish_case(case_id=confidential.pk, visibility="confidential",
                          reply_text="Đã xử lý.", actor=province.coordinator,
                          now=at(2026, 3, 3, 10, 0))
    assert public_letters(confidential.pk) == []
    assignment = drive.assignment_of(confidential, province.roads)
    assert client.get(reverse("publishing:letter", args=[assignment.pk])).status_code == 404


@pytest.mark.django_db
def test_the_letter_links_partial_names_the_signed_file_and_its_hash(approved, province,
                                                                    client_of):
    from django.template.loader import render_to_string

    upload(client_of(province.roads_leader_user), approved)
    html = render_to_string("workflow/partials/letter_links.html",
                            {"letters": staff_letter_links(province.roads_leader,
                                                           approved.case_id)})
    assert reverse("letters:reply", args=[approved.pk]) in html
    assert hashlib.sha256(SIGNED).hexdigest() in html
    assert reverse("letters:signed", args=[approved.pk]) in html


@pytest.mark.django_db
def test_the_public_letter_never_carries_the_addressee_the_unit_typed(province, client,
                                                                     client_of, tmp_path):
    from tests.reports.test_documents import pdf_text
    from workflow import services

    start = at(2026, 3, 2, 8, 0)
    assignment = drive.processing(province, start)
    services.submit_draft(assignment_id=assignment.pk, actor=province.roads_staff,
                          now=start + drive.STEP * 4, body="Đơn vị đã thay bóng đèn.",
                          addressee="Ông Nguyễn Văn An")
    services.approve_assignment(assignment_id=assignment.pk, actor=province.roads_leader,
                                now=start + drive.STEP * 5)
    services.publish_case(case_id=assignment.case_id, visibility="public",
                          reply_text="Đã thay bóng đèn.", actor=province.coordinator,
                          now=start + drive.STEP * 6)
    [link] = public_letters(assignment.case_id)

    public = pdf_text(client.get(link.url).content, tmp_path)
    staff = pdf_text(client_of(province.roads_leader_user).get(
        reverse("letters:reply", args=[assignment.pk])).content, tmp_path)

    assert "Nguyễn Văn An" not in public and "Quý cá nhân/tổ chức" in public
    assert "Nguyễn Văn An" in staff


@pytest.mark.django_db
def test_the_upload_page_is_a_staff_page(approved, province, client_of):
    response = client_of(province.roads_leader_user).get(
        reverse("letters:signed", args=[approved.pk]))
    assert response.status_code == 200 and response.context["STAFF_AREA"]
