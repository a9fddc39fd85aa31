"""Percentages rounded half-up to one decimal, alike on the page, in the PDF and in the
workbook; categories named in the reader's language (issue 18, observation 9)."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from reports.numbers import one_decimal, percent
from reports.statistics import public as public_statistics
from tests.conftest import MONDAY
from tests.feedback.support import public_isolation  # noqa: F401 — a fixture
from tests.reports.test_documents import flat, pdf_text
from tests.workflow.acting import english, text
from workflow import services

pytestmark = pytest.mark.django_db

MARCH = "period=2026-03"


def test_a_percentage_is_rounded_half_up_to_one_decimal_not_cut():
    with translation.override("vi"):
        assert percent(2 / 3) == "66,7 %"
        assert percent(1 / 80) == "1,3 %"  # 1.25: the half goes up
        assert percent(1 / 8) == "12,5 %"
        assert percent(1) == "100,0 %"
        assert percent(None) == "–"
    with translation.override("en"):
        assert percent(2 / 3) == "66.7 %"
    assert one_decimal(1.25) == one_decimal(1.2500000000000002)


@pytest.fixture
def two_thirds(province):
    """Three cases received in March: two on lighting, one on permits."""
    for n, category in enumerate((province.lighting, province.lighting, province.permits)):
        case = province.receive(now=MONDAY + timedelta(minutes=n))
        services.classify_case(case_id=case.pk, category=category, actor=province.coordinator,
                               now=MONDAY + timedelta(minutes=10 + n))
    province.lighting.name_en = "Public lighting"
    province.lighting.save()
    return province


def test_the_page_the_pdf_and_the_workbook_show_the_same_rounded_share(
        client, two_thirds, tmp_path):
    client.force_login(two_thirds.supervisor_user)
    page = text(client.get(f"{reverse('reports:dashboard')}?{MARCH}"))
    assert "66,7 %" in page and "33,3 %" in page
    assert "66,6 %" not in page

    pdf = client.get(f"{reverse('reports:pdf')}?{MARCH}").content
    printed = flat(pdf_text(pdf, tmp_path))
    assert "66,7 %" in printed and "33,3 %" in printed
    assert "66,6 %" not in printed

    workbook = load_workbook(BytesIO(client.get(f"{reverse('reports:xlsx')}?{MARCH}").content))
    shares = {
        row[0].value: row[2] for sheet in workbook.worksheets
        for row in sheet.iter_rows(min_row=2) if len(row) > 2 and row[0].value in
        ("Chiếu sáng công cộng", "Thủ tục hành chính")
    }
    assert shares["Chiếu sáng công cộng"].number_format == "0.0%"
    # The value is the rounded one, so every spreadsheet shows 66.7 %, whatever its rounding.
    assert f"{shares['Chiếu sáng công cộng'].value * 100:.10g}" == "66.7"
    assert f"{shares['Thủ tục hành chính'].value * 100:.10g}" == "33.3"


def test_the_dashboard_names_categories_in_english_when_english_is_chosen(client, two_thirds):
    client.force_login(two_thirds.supervisor_user)
    english(client)
    page = text(client.get(f"{reverse('reports:dashboard')}?{MARCH}"))
    assert "Public lighting" in page
    assert "Chiếu sáng công cộng" not in page
    assert "Thủ tục hành chính" in page  # no English name given: its own


def test_the_workbook_in_english_names_categories_in_english(client, two_thirds):
    client.force_login(two_thirds.supervisor_user)
    english(client)
    data = client.get(f"{reverse('reports:xlsx')}?{MARCH}").content
    values = {c.value for ws in load_workbook(BytesIO(data)).worksheets
              for row in ws.iter_rows() for c in row}
    assert "Public lighting" in values
    assert "Chiếu sáng công cộng" not in values


def test_the_public_statistics_name_categories_in_english_and_round_alike(
        client, two_thirds, monkeypatch, public_isolation):  # noqa: F811
    monkeypatch.setattr(public_statistics, "today", lambda: MONDAY.date())
    english(client)
    page = text(client.get(reverse("reports_public:statistics")))
    assert "Public lighting" in page
    assert "Chiếu sáng công cộng" not in page
    client.cookies["django_language"] = "vi"
    vietnamese = text(client.get(reverse("reports_public:statistics")))
    assert "Chiếu sáng công cộng" in vietnamese
