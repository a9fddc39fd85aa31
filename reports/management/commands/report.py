"""python manage.py report monthly --period 2026-10 --format pdf --output report.pdf

A month, quarter or year is the reporting period of Decree 09/2019/NĐ-CP, Art. 12, as the
periodic report drafts count it: --period 2026-10 is 15/09/2026–14/10/2026, 2026-Q3 is
15/06/2026–14/09/2026, 2026 is 15/12/2025–14/12/2026. --calendar counts the calendar month,
quarter or year instead; a range is any days at all.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reports.pdf import periodic_pdf
from reports.statistics import Period, PeriodError, Scope, build_report
from reports.xlsx import periodic_workbook
from routing.models import Area, Unit

KIND_OF_PERIOD = {"monthly": "monthly", "quarterly": "quarterly", "yearly": "yearly",
                  "range": "range"}


class Command(BaseCommand):
    help = ("Write the periodic report of Art. 13.7 as a PDF or an .xlsx workbook. A month, "
            "quarter or year is the reporting period of Decree 09/2019 (the 15th to the 14th) "
            "unless --calendar is given.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KIND_OF_PERIOD))
        parser.add_argument(
            "--period", required=True,
            help="2026-10 (monthly: 15/09/2026-14/10/2026), 2026-Q3 (quarterly), 2026 "
                 "(yearly) or 2026-01-01..2026-03-31 (range)",
        )
        parser.add_argument(
            "--calendar", action="store_true",
            help="count the calendar month, quarter or year (2026-10: 01/10/2026-31/10/2026) "
                 "instead of the reporting period, which ends on the 14th",
        )
        parser.add_argument("--format", dest="fmt", choices=["pdf", "xlsx"], required=True)
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument("--scope-unit", default="", help="a unit's code")
        parser.add_argument("--scope-area", default="", help="an area's code")
        parser.add_argument("--difficulties", default="",
                            help="the report's section on difficulties and proposals")
        parser.add_argument("--number", default="", help="the document number, e.g. 123/BC-STTTT")
        parser.add_argument("--language", default="vi")

    def handle(self, *args, **options) -> None:
        if options["calendar"] and options["kind"] == "range":
            raise CommandError("--calendar applies to monthly, quarterly and yearly reports.")
        try:
            period = Period.parse(options["period"], calendar=options["calendar"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        if period.kind != KIND_OF_PERIOD[options["kind"]]:
            raise CommandError(
                f"--period {options['period']} is not a {options['kind']} period."
            )
        scope = Scope()
        if options["scope_unit"] and options["scope_area"]:
            raise CommandError("Give --scope-unit or --scope-area, not both.")
        if options["scope_unit"]:
            try:
                scope = Scope(unit=Unit.objects.get(code=options["scope_unit"]))
            except Unit.DoesNotExist as exc:
                raise CommandError(f"No unit with code {options['scope_unit']}.") from exc
        if options["scope_area"]:
            try:
                scope = Scope(area=Area.objects.get(code=options["scope_area"]))
            except Area.DoesNotExist as exc:
                raise CommandError(f"No area with code {options['scope_area']}.") from exc
        report = build_report(period, scope, timezone.now())
        kwargs = {"difficulties": options["difficulties"], "number": options["number"],
                  "language": options["language"]}
        data = (periodic_pdf(report, **kwargs) if options["fmt"] == "pdf"
                else periodic_workbook(report, **kwargs))
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        self.stdout.write(
            f"{output} ({len(data)} bytes): {period.start:%d/%m/%Y}–{period.end:%d/%m/%Y}"
        )
