"""Periodic report drafts (Art. 13.7): prepared ahead of the 20th by the beat, completed by
the department, downloaded by supervisors only. The clock is the `today` passed in."""

import hashlib
from datetime import date
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ReportDraft, ReportDraftNotice
from reports.schedule import reports_due_in
from reports.services import deliver_report_notices, prepare_report_drafts
from reports.tasks import prepare_report_drafts_task
from routing.models import AuditEvent, ProvinceRole
from tests.conftest import at
from tests.factories import UserFactory, province_user
from tests.reports.test_documents import flat, pdf_text

NOW = at(2026, 3, 13, 6, 15)
DIFFICULTIES = "Một số đơn vị chưa cập nhật kết quả xử lý đúng hạn.\nĐề nghị UBND tỉnh nhắc nhở."


def drafts() -> list[tuple[str, date, date, date]]:
    return sorted(ReportDraft.objects.values_list("kind", "period_start", "period_end",
                                                  "due_on"))


def prepare(day: date) -> list[ReportDraft]:
    return prepare_report_drafts(today=day, now=at(day.year, day.month, day.day, 6, 15))


# --- When, and which days ------------------------------------------------------------------
@pytest.mark.django_db
def test_a_monthly_report_runs_from_the_15th_of_the_month_before_to_the_14th(official_calendar):
    # Tue 20 October 2026 is due; five working days before it is Tue 13 October.
    assert prepare(date(2026, 10, 12)) == []
    prepare(date(2026, 10, 13))
    assert drafts() == [("monthly", date(2026, 9, 15), date(2026, 10, 14), date(2026, 10, 20))]


@pytest.mark.django_db
def test_in_a_quarters_last_month_the_quarterly_report_comes_with_the_monthly(official_calendar):
    # Fri 20 March 2026: the draft is made on Fri 13 March, before the period's last day.
    assert prepare(date(2026, 3, 12)) == []
    prepare(date(2026, 3, 13))
    assert drafts() == [
        ("monthly", date(2026, 2, 15), date(2026, 3, 14), date(2026, 3, 20)),
        ("quarterly", date(2025, 12, 15), date(2026, 3, 14), date(2026, 3, 20)),
    ]


@pytest.mark.django_db
def test_in_december_the_yearly_report_comes_with_the_quarterly_and_the_monthly(
    official_calendar
):
    # Sun 20 December 2026: five working days before it is Mon 14 December.
    assert prepare(date(2026, 12, 11)) == []
    prepare(date(2026, 12, 14))
    assert drafts() == [
        ("monthly", date(2026, 11, 15), date(2026, 12, 14), date(2026, 12, 20)),
        ("quarterly", date(2026, 9, 15), date(2026, 12, 14), date(2026, 12, 20)),
        ("yearly", date(2025, 12, 15), date(2026, 12, 14), date(2026, 12, 20)),
    ]


@pytest.mark.django_db
def test_the_tet_holiday_makes_the_february_draft_a_week_earlier(official_calendar):
    # 16–20 February 2026 are Tết days off: the fifth working day before the 20th is Mon 9.
    assert reports_due_in(2026, 2)[0].prepare_on == date(2026, 2, 9)
    assert prepare(date(2026, 2, 6)) == []
    assert [d.kind for d in prepare(date(2026, 2, 9))] == ["monthly"]


@pytest.mark.django_db
def test_the_lead_time_is_a_setting(official_calendar, settings):
    settings.REPORT_DRAFT_LEAD_WORKING_DAYS = 1
    assert prepare(date(2026, 10, 16)) == []
    assert [d.kind for d in prepare(date(2026, 10, 19))] == ["monthly"]


@pytest.mark.django_db
def test_a_day_missed_by_the_beat_is_caught_up_until_the_month_ends(official_calendar):
    prepare(date(2026, 10, 27))
    assert drafts() == [("monthly", date(2026, 9, 15), date(2026, 10, 14), date(2026, 10, 20))]


# --- Once only, and who is told ------------------------------------------------------------
@pytest.mark.django_db
def test_running_twice_makes_one_draft_and_one_notice_per_supervisor(province,
                                                                      official_calendar):
    second = province_user(ProvinceRole.Role.SUPERVISOR, username="super2")
    assert len(prepare(date(2026, 3, 13))) == 2
    assert prepare(date(2026, 3, 13)) == []
    assert prepare(date(2026, 3, 16)) == []
    assert ReportDraft.objects.count() == 2
    assert sorted(ReportDraftNotice.objects.values_list("user_id", flat=True)) == sorted(
        [province.supervisor_user.pk, second.pk] * 2
    )


@pytest.mark.django_db
def test_the_supervisors_are_emailed_once_with_a_link_to_the_draft(province,
                                                                   official_calendar):
    prepare(date(2026, 10, 13))
    draft = ReportDraft.objects.get()
    assert deliver_report_notices(now=NOW) == 1
    assert deliver_report_notices(now=NOW) == 0
    [message] = mail.outbox
    assert message.to == [province.supervisor_user.email]
    assert reverse("reports:draft", args=[draft.pk]) in message.body
    assert "20/10/2026" in message.body


@pytest.mark.django_db
def test_the_daily_task_prepares_and_emails(province, official_calendar):
    result = prepare_report_drafts_task.apply().get()
    # Whatever today is, a second run the same day makes nothing and sends nothing.
    assert prepare_report_drafts_task.apply().get() == {"created": 0, "emailed": 0}
    assert result["emailed"] == result["created"] == ReportDraft.objects.count()


# --- The department completes and downloads it ------------------------------------------------
@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def march(province, official_calendar) -> ReportDraft:
    prepare(date(2026, 3, 13))
    return ReportDraft.objects.get(kind="monthly")


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client
    return login


@pytest.mark.django_db
def test_the_drafts_page_lists_them_for_a_supervisor(march, province, client_of):
    # Its queries' ceiling is in tests/performance/test_reports.py.
    prepare(date(2026, 12, 14))
    response = client_of(province.supervisor_user).get(reverse("reports:drafts"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("reports:draft", args=[march.pk]) in body
    assert body.count('href="/reports/drafts/') == 5


@pytest.mark.django_db
def test_the_dashboard_links_a_supervisor_to_the_drafts_waiting(march, province, client_of):
    body = client_of(province.supervisor_user).get(reverse("reports:dashboard")).content
    assert b'id="report-drafts-link"' in body and b"(2)" in body


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["roads_leader_user", "roads_staff_user", "coordinator_user"])
def test_anyone_else_is_refused_the_drafts(march, province, client_of, who):
    client = client_of(getattr(province, who))
    for name in ("reports:draft", "reports:draft_pdf", "reports:draft_xlsx"):
        assert client.get(reverse(name, args=[march.pk])).status_code == 403
    assert client.get(reverse("reports:drafts")).status_code == 403
    assert client.post(reverse("reports:draft", args=[march.pk]),
                       {"difficulties": "x"}).status_code == 403
    march.refresh_from_db()
    assert march.difficulties == ""


@pytest.mark.django_db
def test_an_administrator_may_open_a_draft(march, client_of):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    assert client_of(admin).get(reverse("reports:draft", args=[march.pk])).status_code == 200


@pytest.mark.django_db
def test_the_department_writes_its_text_normalised_to_nfc_and_audited(march, province,
                                                                     client_of):
    decomposed = "Đề nghị bổ sung nhân sự".replace("ề", "e\u0302\u0300")
    response = client_of(province.supervisor_user).post(
        reverse("reports:draft", args=[march.pk]),
        {"difficulties": decomposed, "number": " 15/BC-STTTT "},
    )
    assert response.status_code == 302
    march.refresh_from_db()
    assert march.difficulties == "Đề nghị bổ sung nhân sự"
    assert march.number == "15/BC-STTTT"
    assert march.updated_by == province.supervisor_user
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONFIG_CHANGED,
                                     object_id=str(march.pk),
                                     detail__change="report_draft_edited").exists()


@pytest.mark.django_db
def test_a_refused_text_keeps_what_was_typed_with_the_error_by_its_field(march, province,
                                                                        client_of):
    client = client_of(province.supervisor_user)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("reports:draft", args=[march.pk]),
                           {"difficulties": DIFFICULTIES, "number": "9" * 65})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_number_error"' in body
    assert "Một số đơn vị chưa cập nhật kết quả xử lý đúng hạn." in body
    march.refresh_from_db()
    assert march.difficulties == ""


@pytest.mark.django_db
def test_a_final_report_can_no_longer_be_changed(march, province, client_of):
    client = client_of(province.supervisor_user)
    client.post(reverse("reports:draft", args=[march.pk]), {"difficulties": DIFFICULTIES})
    assert client.post(reverse("reports:draft_finalise", args=[march.pk])).status_code == 302
    response = client.post(reverse("reports:draft", args=[march.pk]), {"difficulties": "Khác"})
    assert response.status_code == 400
    march.refresh_from_db()
    assert march.is_final and march.difficulties == DIFFICULTIES


@pytest.mark.django_db
def test_the_downloaded_pdf_and_workbook_carry_the_departments_text(march, province,
                                                                  client_of, tmp_path):
    client = client_of(province.supervisor_user)
    client.post(reverse("reports:draft", args=[march.pk]),
                {"difficulties": DIFFICULTIES, "number": "15/BC-STTTT"})

    pdf = client.get(reverse("reports:draft_pdf", args=[march.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = flat(pdf_text(pdf.content, tmp_path))
    assert "Một số đơn vị chưa cập nhật kết quả xử lý đúng hạn." in text
    assert "Đề nghị UBND tỉnh nhắc nhở." in text
    assert "Số: 15/BC-STTTT" in text
    assert "tháng 3 năm 2026" in text and "15/02/2026" in text and "14/03/2026" in text

    xlsx = client.get(reverse("reports:draft_xlsx", args=[march.pk]))
    assert xlsx.status_code == 200
    cells = [c for row in load_workbook(BytesIO(xlsx.content)).worksheets[0]
             .iter_rows(values_only=True) for c in row if c]
    assert DIFFICULTIES in cells
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT,
                                     object_id=str(march.pk)).count() == 2


@pytest.mark.django_db
def test_a_final_report_is_stored_once_and_no_longer_follows_the_figures(march, province,
                                                                        client_of):
    client = client_of(province.supervisor_user)
    client.post(reverse("reports:draft", args=[march.pk]), {"difficulties": DIFFICULTIES})
    client.post(reverse("reports:draft_finalise", args=[march.pk]))
    march.refresh_from_db()
    stored_pdf = march.pdf_file.read()
    assert stored_pdf.startswith(b"%PDF")
    assert march.pdf_sha256 == hashlib.sha256(stored_pdf).hexdigest()

    first = client.get(reverse("reports:draft_xlsx", args=[march.pk])).content
    province.receive(now=at(2026, 3, 10, 9, 0))  # a case of the period, counted too late
    assert client.get(reverse("reports:draft_xlsx", args=[march.pk])).content == first
    assert client.get(reverse("reports:draft_pdf", args=[march.pk])).content == stored_pdf
    page = client.get(reverse("reports:draft", args=[march.pk])).content.decode()
    assert march.pdf_sha256 in page and 'id="draft-form"' not in page
