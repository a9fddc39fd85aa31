"""Who may open the dashboard, its downloads and the reply letter."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import at
from tests.workflow import drive


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client
    return login


@pytest.mark.django_db
def test_a_supervisor_sees_the_province_with_charts(province, client_of):
    response = client_of(province.supervisor_user).get(reverse("reports:dashboard"),
                                                       {"period": "2026-03"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and "Sở Giao thông vận tải" in body and "Điện lực Tây Ninh" in body


@pytest.mark.django_db
def test_a_unit_leader_sees_only_their_own_unit(province, client_of):
    client = client_of(province.roads_leader_user)
    response = client.get(reverse("reports:dashboard"),
                          {"period": "2026-03", "unit": "power"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sở Giao thông vận tải" in body
    assert "Điện lực Tây Ninh" not in body


@pytest.mark.django_db
def test_unit_staff_are_refused(province, client_of):
    client = client_of(province.roads_staff_user)
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:xlsx")).status_code == 403


@pytest.mark.django_db
def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


@pytest.mark.django_db
def test_a_leaders_workbook_download_holds_their_unit_only(province, client_of):
    drive.approved(province, at(2026, 3, 2, 8, 0))
    response = client_of(province.power_leader_user).get(
        reverse("reports:xlsx"), {"period": "2026-03", "unit": "roads"}
    )
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    scope = [row[1] for row in wb.worksheets[0].iter_rows(values_only=True) if len(row) > 1]
    assert "Điện lực Tây Ninh" in scope and "Sở Giao thông vận tải" not in scope


@pytest.mark.django_db
def test_the_supervisors_pdf_download_is_a_pdf(province, client_of):
    response = client_of(province.supervisor_user).get(reverse("reports:pdf"),
                                                       {"period": "2026-Q1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_reply_letter_is_for_the_coordinator_and_the_unit_only(province, client_of):
    case = drive.approved(province, at(2026, 3, 2, 8, 0))
    url = reverse("letters:reply", args=[drive.assignment_of(case, province.roads).pk])
    assert client_of(province.coordinator_user).get(url).status_code == 200
    assert client_of(province.roads_staff_user).get(url).status_code == 200
    assert client_of(province.power_staff_user).get(url).status_code == 404
    assert client_of(province.supervisor_user).get(url).status_code == 404


@pytest.mark.django_db
def test_a_draft_waiting_for_its_leader_has_no_letter_yet(province, client_of):
    assignment = drive.awaiting_approval(province, at(2026, 3, 2, 8, 0))
    url = reverse("letters:reply", args=[assignment.pk])
    assert client_of(province.coordinator_user).get(url).status_code == 404



@pytest.mark.django_db
def test_the_dashboard_opens_on_the_reporting_month_in_progress(province, client_of):
    from django.utils import timezone

    from reports.statistics import Period

    response = client_of(province.supervisor_user).get(reverse("reports:dashboard"))
    period = response.context["period"]
    assert period == Period.reporting_month_of(timezone.localdate())
    assert (period.start.day, period.end.day) == (15, 14)
    body = response.content.decode()
    assert f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}" in body
    assert 'name="basis"' in body and 'value="calendar"' in body


@pytest.mark.django_db
def test_the_dashboard_counts_a_reporting_or_a_calendar_month_as_asked(province, client_of):
    from datetime import date

    client = client_of(province.supervisor_user)
    reporting = client.get(reverse("reports:dashboard"), {"period": "2026-10"})
    assert (reporting.context["period"].start, reporting.context["period"].end) == (
        date(2026, 9, 15), date(2026, 10, 14))
    assert "15/09/2026 – 14/10/2026" in reporting.content.decode()
    calendar = client.get(reverse("reports:dashboard"),
                          {"period": "2026-10", "basis": "calendar"})
    assert (calendar.context["period"].start, calendar.context["period"].end) == (
        date(2026, 10, 1), date(2026, 10, 31))
    assert "/reports/report.pdf?period=2026-10&amp;basis=calendar" in calendar.content.decode()
    ranged = client.get(reverse("reports:dashboard"),
                        {"period": "2026-10-03..2026-10-09", "basis": "calendar"})
    assert (ranged.context["period"].start, ranged.context["period"].end) == (
        date(2026, 10, 3), date(2026, 10, 9))


@pytest.mark.django_db
def test_a_period_that_is_not_one_is_shown_back_with_its_error(province, client_of, settings):
    client = client_of(province.supervisor_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("reports:dashboard"), {"period": "2026-13"}).content.decode()
    assert 'id="id_period_error"' in body and "“2026-13” is not a period" in body
    assert 'value="2026-13"' in body


@pytest.mark.django_db
def test_the_downloads_file_name_says_which_period_it_counts(province, client_of):
    client = client_of(province.supervisor_user)
    reporting = client.get(reverse("reports:xlsx"), {"period": "2026-Q1"})
    assert 'filename="bao-cao-1022-2026-Q1.xlsx"' in reporting["Content-Disposition"]
    calendar = client.get(reverse("reports:xlsx"), {"period": "2026-Q1", "basis": "calendar"})
    assert 'filename="bao-cao-1022-2026-Q1-calendar.xlsx"' in calendar["Content-Disposition"]
    wb = load_workbook(BytesIO(calendar.content))
    assert "(Số liệu tính từ ngày 01/01/2026 đến ngày 31/03/2026)" in [
        row[0] for row in wb.worksheets[0].iter_rows(values_only=True)
    ]
