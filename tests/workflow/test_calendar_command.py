"""`manage.py calendar`: import, due and show."""

import json
from datetime import datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from workflow.models import CalendarDay, OfficialYear
from workflow.worktime import get_calendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SCHEDULE_2026 = Path(settings.BASE_DIR) / "data" / "calendar" / "vn-official-2026.json"


def at(*args: int) -> datetime:
    """A local instant in Asia/Ho_Chi_Minh."""
    return datetime(*args, tzinfo=HCM)


def calendar(*args: str) -> list[str]:
    """Run `manage.py calendar` in English and return its output lines."""
    out = StringIO()
    with translation.override("en"):
        call_command("calendar", *args, stdout=out)
    return out.getvalue().splitlines()


# --- due ------------------------------------------------------------------------------------------


def test_due_in_working_hours_prints_the_instant_the_api_computes(official_calendar):
    lines = calendar("due", "--from", "2026-02-12T16:00:00+07:00", "--working-hours", "13")
    assert lines[-1] == official_calendar.add_working_hours(at(2026, 2, 12, 16, 0), 13).isoformat()
    assert lines[-1] == "2026-02-23T11:00:00+07:00"


def test_due_in_working_days_prints_the_instant_the_api_computes(official_calendar):
    lines = calendar("due", "--from", "2026-03-06T16:00:00+07:00", "--working-days", "6")
    assert lines[-1] == official_calendar.add_working_days(at(2026, 3, 6, 16, 0), 6).isoformat()
    assert lines[-1] == "2026-03-16T17:00:00+07:00"


def test_due_in_working_minutes_prints_the_instant_the_api_computes(official_calendar):
    lines = calendar("due", "--from", "2026-03-04T16:40:00+07:00", "--working-minutes", "30")
    assert (
        lines[-1] == official_calendar.add_working_minutes(at(2026, 3, 4, 16, 40), 30).isoformat()
    )
    assert lines[-1] == "2026-03-05T07:10:00+07:00"


def test_due_reads_a_utc_instant_written_with_z(official_calendar):
    # 09:00Z is 16:00 in Ho Chi Minh City: the Friday example.
    lines = calendar("due", "--from", "2026-03-06T09:00:00Z", "--working-days", "6")
    assert lines[-1] == "2026-03-16T17:00:00+07:00"


def test_due_reads_an_instant_with_another_offset(official_calendar):
    # 10:00+01:00 is 16:00 in Ho Chi Minh City.
    lines = calendar("due", "--from", "2026-03-06T10:00:00+01:00", "--working-hours", "4")
    assert lines[-1] == "2026-03-09T10:00:00+07:00"


def test_due_reads_an_instant_without_offset_as_vietnamese_time(official_calendar):
    lines = calendar("due", "--from", "2026-03-06T16:00:00", "--working-hours", "4")
    assert lines[-1] == "2026-03-09T10:00:00+07:00"


def test_due_follows_the_official_schedule_across_tet(official_calendar):
    lines = calendar("due", "--from", "2026-02-13T10:00:00+07:00", "--working-days", "1")
    assert lines[-1] == "2026-02-23T17:00:00+07:00"


def test_due_explains_itself_above_the_instant_when_verbose(official_calendar):
    out = StringIO()
    with translation.override("en"):
        call_command(
            "calendar",
            "--verbosity",
            "2",
            "due",
            "--from",
            "2026-03-06T16:00:00+07:00",
            "--working-hours",
            "4",
            stdout=out,
        )
    assert out.getvalue().splitlines() == [
        "From 2026-03-06T16:00:00+07:00, 240 working minutes until the deadline.",
        "2026-03-09T10:00:00+07:00",
    ]


@pytest.mark.django_db
def test_due_needs_an_amount():
    with pytest.raises(CommandError):
        calendar("due", "--from", "2026-03-06T16:00:00+07:00")


@pytest.mark.django_db
def test_due_takes_only_one_amount():
    with pytest.raises(CommandError):
        calendar(
            "due",
            "--from",
            "2026-03-06T16:00:00+07:00",
            "--working-days",
            "1",
            "--working-hours",
            "1",
        )


@pytest.mark.django_db
def test_due_refuses_an_instant_that_is_not_iso_8601():
    with pytest.raises(CommandError, match="is not an ISO 8601 instant"):
        calendar("due", "--from", "06/03/2026 16:00", "--working-hours", "1")


@pytest.mark.django_db
def test_due_refuses_a_negative_period():
    with pytest.raises(CommandError, match="must not be negative"):
        calendar("due", "--from", "2026-03-06T16:00:00+07:00", "--working-minutes", "-5")


# --- import ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_loads_a_shipped_schedule_and_says_so():
    lines = calendar("import", str(SCHEDULE_2026))
    assert lines == [
        f"Imported the official schedule of 2026 from {SCHEDULE_2026}: 14 days off, "
        "2 make-up working days."
    ]
    assert OfficialYear.objects.get().year == 2026


@pytest.mark.django_db
def test_an_imported_schedule_is_used_by_the_next_due():
    get_calendar()
    calendar("import", str(SCHEDULE_2026))
    lines = calendar("due", "--from", "2025-12-31T16:00:00+07:00", "--working-hours", "2")
    assert lines[-1] == "2026-01-05T08:00:00+07:00"


@pytest.mark.django_db
def test_import_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"year": 2026,', encoding="utf-8")
    with pytest.raises(CommandError, match="Cannot read"):
        calendar("import", str(path))


@pytest.mark.django_db
def test_import_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        calendar("import", str(tmp_path / "missing.json"))


@pytest.mark.django_db
def test_import_refuses_an_invalid_schedule_and_keeps_the_database_unchanged(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps({"year": 2026, "holidays": [{"date": "2025-12-31", "name": "x"}]}),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="outside the year 2026"):
        calendar("import", str(path))
    assert not CalendarDay.objects.exists()
    assert not OfficialYear.objects.exists()


# --- show -----------------------------------------------------------------------------------------


def test_show_lists_the_official_weekdays_off_and_worked_saturdays(official_calendar):
    lines = calendar("show", "2026")
    assert lines[0].startswith("2026 follows its official schedule, imported on ")
    assert lines[1] == "Weekdays off (13):"
    assert lines[2] == "  Thu 01/01/2026  Tết Dương lịch"
    assert lines[3] == "  Fri 02/01/2026  Ngày nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)"
    assert lines[-3:] == [
        "Weekend days worked (2):",
        "  Sat 10/01/2026  Làm bù cho ngày 02/01/2026",
        "  Sat 22/08/2026  Làm bù cho ngày 31/08/2026",
    ]


def test_show_marks_the_administrators_days(official_calendar):
    CalendarDay.objects.create(
        date="2026-03-09", kind=CalendarDay.Kind.DAY_OFF, name="Bão", source="admin"
    )
    assert "  Mon 09/03/2026  Bão (entered by the administrator)" in calendar("show", "2026")


def test_show_says_when_a_year_follows_the_package(official_calendar):
    lines = calendar("show", "2027")
    assert lines[0] == "2027 has no official schedule: it follows the holidays package."
    assert "  Fri 01/01/2027  New Year's Day" in lines
