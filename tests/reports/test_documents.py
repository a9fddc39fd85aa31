"""The PDFs read back with pdftotext, the workbook re-opened with openpyxl, the command."""

import subprocess
from io import BytesIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from reports import pdf
from reports.pdf import periodic_pdf
from reports.presentation import summary_items
from reports.statistics import Period, Scope, build_report
from reports.xlsx import periodic_workbook
from tests.conftest import at
from tests.reports.quarter import NOW
from tests.workflow import drive
from workflow import services
from workflow.models import Assignment
from workflow.reply_letter import approved_draft, reply_letter_pdf

Q1 = Period.parse("2026-Q1")
REPLY = (
    "Ngày 03/3/2026, Sở Giao thông vận tải đã phối hợp với Điện lực Tây Ninh thay thế ba "
    "bóng đèn hư hỏng trên đường 30/4, phường 1, thành phố Tây Ninh; hệ thống chiếu sáng "
    "đã hoạt động bình thường trở lại."
)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S603, S607
                         capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.django_db
def test_the_periodic_pdf_carries_the_national_header_and_the_difficulties(scenario, tmp_path):
    report = build_report(Q1, Scope(), NOW)
    data = periodic_pdf(report, difficulties="Một số đơn vị chưa cập nhật kết quả đúng hạn.",
                        number="15/BC-STTTT")
    text = pdf_text(data, tmp_path)
    assert data.startswith(b"%PDF")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập – Tự do – Hạnh phúc" in text
    assert "UBND TỈNH TÂY NINH" in text
    assert "Số: 15/BC-STTTT" in text
    assert "Tây Ninh, ngày 20 tháng 3 năm 2026" in flat(text)
    assert "quý I năm 2026" in flat(text)
    # The cover states the days counted: the reporting quarter ends on the 14th.
    assert "(Số liệu tính từ ngày 15/12/2025 đến ngày 14/03/2026)" in flat(text)
    assert "Một số đơn vị chưa cập nhật kết quả đúng hạn." in flat(text)
    assert "Sở Giao thông vận tải" in text  # the ranking and the overdue list


@pytest.mark.django_db
def test_the_pdf_prints_the_first_overdue_rows_and_says_how_many_more(
    scenario, tmp_path, monkeypatch
):
    report = build_report(Q1, Scope(), NOW)
    (overdue,) = report.overdue  # D, overdue at the roads department
    monkeypatch.setattr(pdf, "PDF_OVERDUE_ROWS", 0)
    text = flat(pdf_text(periodic_pdf(report, language="en"), tmp_path))
    assert overdue.code not in text
    assert "… and 1 more overdue assignment; the workbook (xlsx) lists up to 200." in text
    # The workbook keeps the row.
    sheets = load_workbook(BytesIO(periodic_workbook(report)))
    assert any(overdue.code in str(cell.value) for ws in sheets for row in ws.iter_rows()
               for cell in row)


@pytest.mark.django_db
def test_the_reply_letter_follows_appendix_1_and_keeps_the_body_letter_for_letter(
    province, tmp_path
):
    assignment = drive.processing(province, at(2026, 3, 2, 8, 0))
    services.submit_draft(
        assignment_id=assignment.pk, actor=province.roads_staff, now=at(2026, 3, 3, 9, 0),
        body=REPLY, number="27/SGTVT-QLGT", addressee="Ông Nguyễn Văn An",
        signer="Trần Thị Bích", signer_title="Phó Giám đốc",
    )
    services.approve_assignment(assignment_id=assignment.pk, actor=province.roads_leader,
                                now=at(2026, 3, 3, 10, 0))
    assignment = Assignment.objects.select_related("unit", "case").get(pk=assignment.pk)
    text = flat(pdf_text(reply_letter_pdf(assignment, approved_draft(assignment)), tmp_path))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "SỞ GIAO THÔNG VẬN TẢI" in text
    assert "Số: 27/SGTVT-QLGT" in text
    assert "Tây Ninh, ngày 03 tháng 3 năm 2026" in text
    assert "Kính gửi: Ông Nguyễn Văn An" in text
    assert ("Sở Giao thông vận tải xin thông báo kết quả xử lý phản ánh, kiến nghị của "
            "ông Nguyễn Văn An như sau:") in text
    assert REPLY in text
    assert "Trân trọng./." in text
    assert "PHÓ GIÁM ĐỐC" in text and "Trần Thị Bích" in text


@pytest.mark.django_db
def test_an_assignment_not_yet_approved_has_no_letter(province):
    assignment = drive.awaiting_approval(province, at(2026, 3, 2, 8, 0))
    assert approved_draft(assignment) is None


@pytest.mark.django_db
def test_the_workbook_holds_the_same_figures_as_the_report(scenario):
    report = build_report(Q1, Scope(), NOW)
    wb = load_workbook(BytesIO(periodic_workbook(report)))
    summary_sheet = wb.worksheets[0]
    figures = {row[0]: row[1] for row in summary_sheet.iter_rows(values_only=True)
               if row and len(row) > 1 and row[0]}
    for label, cell in summary_items(report.summary):
        assert figures[label] == cell.value, label
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM – Độc lập – Tự do – Hạnh phúc" in [
        row[0] for row in summary_sheet.iter_rows(values_only=True)
    ]
    ranking = next(ws for ws in wb.worksheets if ws.max_column == 16)
    rows = list(ranking.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[3], r[5]) for r in rows[:3]] == [
        (1, "Sở Giao thông vận tải", 3, 0),
        (2, "UBND huyện Châu Thành", 1, 1),
        (3, "Điện lực Tây Ninh", 1, 1),
    ]
    assert rows[0][14] == pytest.approx(1.0)
    assert len(wb.worksheets) == 8  # the summary and seven tables


@pytest.mark.django_db
def test_the_report_command_writes_a_pdf_and_a_workbook(scenario, tmp_path):
    pdf, xlsx = tmp_path / "q1.pdf", tmp_path / "q1.xlsx"
    call_command("report", "quarterly", "--period", "2026-Q1", "--format", "pdf",
                 "--output", str(pdf), "--difficulties", "Thiếu nhân sự trực tổng đài.")
    call_command("report", "quarterly", "--period", "2026-Q1", "--format", "xlsx",
                 "--output", str(xlsx), "--scope-unit", "roads")
    text = pdf_text(pdf.read_bytes(), tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Thiếu nhân sự trực tổng đài." in flat(text)
    wb = load_workbook(xlsx)
    values = [row[1] for row in wb.worksheets[0].iter_rows(values_only=True) if len(row) > 1]
    assert "Sở Giao thông vận tải" in values


def summary_of(path) -> dict:
    return {row[0]: row[1] for row in load_workbook(path).worksheets[0].iter_rows(values_only=True)
            if row and len(row) > 1 and row[0]}


def head_of(path) -> list:
    return [row[0] for row in load_workbook(path).worksheets[0].iter_rows(values_only=True)]


@pytest.mark.django_db
def test_the_report_commands_month_is_the_reporting_month_unless_calendar_is_asked(
    scenario, tmp_path
):
    from django.utils import translation
    from django.utils.translation import gettext

    reporting, calendar = tmp_path / "03.xlsx", tmp_path / "03-calendar.xlsx"
    call_command("report", "monthly", "--period", "2026-03", "--format", "xlsx",
                 "--output", str(reporting))
    call_command("report", "monthly", "--period", "2026-03", "--calendar", "--format", "xlsx",
                 "--output", str(calendar))
    with translation.override("vi"):
        period, received = gettext("Period"), gettext("Received")
        handled = gettext("Handled by units")
    assert summary_of(reporting)[period] == "15/02/2026 – 14/03/2026"
    assert "(Số liệu tính từ ngày 15/02/2026 đến ngày 14/03/2026)" in head_of(reporting)
    assert summary_of(calendar)[period] == "01/03/2026 – 31/03/2026"
    assert "(Số liệu tính từ ngày 01/03/2026 đến ngày 31/03/2026)" in head_of(calendar)
    # A and B, handled on 25–26 February, count in the reporting month of March only.
    assert (summary_of(reporting)[received], summary_of(reporting)[handled]) == (4, 5)
    assert (summary_of(calendar)[received], summary_of(calendar)[handled]) == (4, 3)


@pytest.mark.django_db
def test_the_report_commands_pdf_cover_states_the_days_of_october(tmp_path):
    pdf = tmp_path / "10.pdf"
    call_command("report", "monthly", "--period", "2026-10", "--format", "pdf",
                 "--output", str(pdf))
    text = flat(pdf_text(pdf.read_bytes(), tmp_path))
    assert "tháng 10 năm 2026" in text
    assert "(Số liệu tính từ ngày 15/09/2026 đến ngày 14/10/2026)" in text


@pytest.mark.django_db
def test_the_report_command_refuses_a_calendar_range(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("report", "range", "--period", "2026-01-01..2026-01-31", "--calendar",
                     "--format", "pdf", "--output", str(tmp_path / "x.pdf"))


@pytest.mark.django_db
def test_the_report_command_refuses_a_period_of_another_kind(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("report", "monthly", "--period", "2026-Q1", "--format", "pdf",
                     "--output", str(tmp_path / "x.pdf"))
