"""The demo cases, each moved step by step through the real services (data/cases.toml)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from feedback.services import add_reporter_comment, rate_case
from routing.models import Area, Category, Unit
from routing.selectors import Actor, actor_for
from workflow import services
from workflow.models import Assignment, Case
from workflow.worktime import WorkingCalendar, get_calendar

from .specs import CaseSpec, Province, UnitSpec, cases, province

KEY_PREFIX = "demo:"  # every demo case's idempotency key starts with it

# What a step in data/cases.toml may name; each is a method of Story.
STEPS = frozenset({
    "classify", "send_back_for_verification", "reject", "close_as_duplicate", "dispatch",
    "send_back_to_unit", "publish", "reprocess", "keep_result",
    "accept", "return_to_coordinator", "extend", "submit", "return_to_staff", "approve",
    "rate", "comment",
})


@dataclass
class Reference:
    areas: dict[str, Area]
    units: dict[str, Unit]  # by unit code
    categories: dict[str, Category]
    users: dict[str, Any]  # by username
    created: int = 0


def evidence_photo(number: int) -> ContentFile:
    """A small JPEG of a lit street lamp at night, drawn in memory."""
    image = Image.new("RGB", (480, 360), (16, 24, 52))
    draw = ImageDraw.Draw(image)
    draw.polygon([(250, 92), (170, 290), (330, 290)], fill=(84, 78, 52))  # light cone
    draw.rectangle((0, 290, 480, 360), fill=(64, 64, 68))  # road
    for x in range(10, 480, 80):
        draw.rectangle((x, 322, x + 40, 328), fill=(220, 220, 220))  # lane marks
    draw.rectangle((300, 80, 308, 290), fill=(150, 150, 156))  # pole
    draw.line((304, 84, 250, 84), fill=(150, 150, 156), width=5)  # arm
    draw.ellipse((236, 80, 266, 100), fill=(255, 228, 122))  # lamp
    draw.text((12, 12), f"Anh hien truong {number}", fill=(235, 235, 235))
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name=f"anh-hien-truong-{number}.jpg")


class Story:
    """One demo case, moved step by step through the services along its own timeline.

    Each step happens some working minutes after the one before (staff act in office
    hours), but never later than the present: the last steps of a recent case are squeezed
    into the time left.
    """

    def __init__(self, demo: DemoCases, case: Case, start: datetime) -> None:
        self.demo = demo
        self.case_id = case.pk
        self.code = case.display_code
        self.title = case.title
        self.category: Category | None = None
        self.t = start

    def play(self, step: dict[str, Any]) -> None:
        """Run one step of data/cases.toml: its action's value is the first argument."""
        actions = STEPS & step.keys()
        if len(actions) != 1:
            raise ValueError(f"Demo case {self.title!r}: a step names one action of "
                             f"{sorted(STEPS)}, not {step}")
        (action,) = actions
        arguments = dict(step)
        getattr(self, action)(arguments.pop(action), **arguments)

    # --- time ---------------------------------------------------------------------------------
    def _at(self, minutes: int) -> datetime:
        moment = self.demo.calendar.add_working_minutes(self.t, minutes)
        if moment >= self.demo.limit:
            moment = self.t + (self.demo.limit - self.t) / 3
        self.t = moment
        return moment

    def _assignment(self, unit: str) -> Assignment:
        return Assignment.objects.exclude(state=Assignment.State.RETURNED).get(
            case_id=self.case_id, unit__code=unit
        )

    def _staff(self, unit: str) -> Actor:
        return self.demo.actor(f"{self.demo.province.unit(unit).login}.canbo")

    def _leader(self, unit: str) -> Actor:
        return self.demo.actor(f"{self.demo.province.unit(unit).login}.lanhdao")

    def _letter_body(self, spec: UnitSpec, body: str) -> str:
        opening = self.demo.province.letters.opening.format(
            unit=spec.name, code=self.code, title=self.title
        )
        return f"{opening}\n\n{body}"

    # --- coordinator ----------------------------------------------------------------------------
    def classify(self, category: str, *, after: int = 35, state_secret: bool | None = None
                 ) -> None:
        self.category = self.demo.ref.categories[category]
        services.classify_case(case_id=self.case_id, category=self.category,
                               actor=self.demo.coordinator, now=self._at(after),
                               is_state_secret=state_secret)

    def send_back_for_verification(self, reason: str, *, after: int = 20) -> None:
        services.send_back_for_verification(case_id=self.case_id, reason=reason,
                                            actor=self.demo.coordinator, now=self._at(after))

    def reject(self, reason: str, *, note: str, after: int = 30) -> None:
        services.reject_case(case_id=self.case_id, reason=reason, note=note,
                             actor=self.demo.coordinator, now=self._at(after))

    def close_as_duplicate(self, original: str, *, after: int = 25) -> None:
        """`original`: the key of an earlier demo case that the units are handling."""
        services.close_as_duplicate(case_id=self.case_id,
                                    original_id=self.demo.case_ids[original],
                                    actor=self.demo.coordinator, now=self._at(after))

    def dispatch(self, units: list[str], *, after: int = 15) -> None:
        services.dispatch_case(
            case_id=self.case_id, unit_ids=[self.demo.ref.units[u].pk for u in units],
            actor=self.demo.coordinator, now=self._at(after),
            instructions=self.demo.province.letters.instructions,
        )

    def send_back_to_unit(self, unit: str, *, rework: str, note: str, after: int = 60) -> None:
        services.send_back_to_unit(assignment_id=self._assignment(unit).pk, rework=rework,
                                   note=note, actor=self.demo.coordinator, now=self._at(after))

    def publish(self, visibility: str, *, after: int = 120) -> None:
        latest = []
        for assignment in Assignment.objects.filter(
            case_id=self.case_id, state=Assignment.State.APPROVED
        ).order_by("pk"):
            draft = assignment.drafts.order_by("-version").first()
            if draft is not None:
                latest.append(draft.body)
        services.publish_case(case_id=self.case_id, visibility=visibility,
                              reply_text="\n\n".join(latest), actor=self.demo.coordinator,
                              now=self._at(after))

    def reprocess(self, units: list[str], *, note: str, after: int = 120) -> None:
        services.reprocess_case(case_id=self.case_id,
                                unit_ids=[self.demo.ref.units[u].pk for u in units], note=note,
                                actor=self.demo.coordinator, now=self._at(after))

    def keep_result(self, note: str, *, after: int = 480) -> None:
        services.keep_result(case_id=self.case_id, note=note, actor=self.demo.coordinator,
                             now=self._at(after))

    # --- unit -------------------------------------------------------------------------------------
    def accept(self, unit: str, *, after: int = 90) -> None:
        services.accept_assignment(assignment_id=self._assignment(unit).pk,
                                   actor=self._staff(unit), now=self._at(after))

    def return_to_coordinator(self, unit: str, *, reason: str, after: int = 120) -> None:
        services.return_assignment(assignment_id=self._assignment(unit).pk, reason=reason,
                                   actor=self._staff(unit), now=self._at(after))

    def extend(self, unit: str, *, reason: str, days: int = 5, after: int = 3 * 480) -> None:
        assignment = self._assignment(unit)
        now = self._at(after)
        current = assignment.due_at or now
        services.extend_assignment(
            assignment_id=assignment.pk, reason=reason,
            new_due=self.demo.calendar.add_working_days(current, days),
            actor=self._staff(unit), now=now,
        )

    def submit(self, unit: str, *, body: str, after: int = 2 * 480) -> None:
        spec = self.demo.province.unit(unit)
        letters = self.demo.province.letters
        now = self._at(after)
        photos = []
        if self.category is not None and self.category.needs_photos:
            photos = [evidence_photo(n) for n in (1, 2)]
        number = letters.first_number + self.demo.letters
        self.demo.letters += 1
        services.submit_draft(
            assignment_id=self._assignment(unit).pk, actor=self._staff(unit), now=now,
            body=self._letter_body(spec, body),
            number=letters.number.format(number=number, abbreviation=spec.abbreviation),
            date=timezone.localtime(now).date(),
            addressee=letters.addressee,
            signer=" ".join(spec.leader),
            signer_title=spec.leader_title,
            recipients=letters.recipients.format(abbreviation=spec.abbreviation),
            photos=photos,
        )

    def return_to_staff(self, unit: str, *, note: str, after: int = 240) -> None:
        services.return_to_staff(assignment_id=self._assignment(unit).pk, note=note,
                                 actor=self._leader(unit), now=self._at(after))

    def approve(self, unit: str, *, edited: str | None = None, after: int = 180) -> None:
        assignment = self._assignment(unit)
        edited_body = None
        if edited is not None:
            edited_body = self._letter_body(self.demo.province.unit(unit), edited)
        services.approve_assignment(assignment_id=assignment.pk, actor=self._leader(unit),
                                    now=self._at(after), edited_body=edited_body)

    # --- reporter ---------------------------------------------------------------------------------
    def rate(self, value: str, *, note: str = "", after: int = 480) -> None:
        rate_case(case_id=self.case_id, value=value, note=note, now=self._at(after))

    def comment(self, body: str, *, after: int = 240) -> None:
        add_reporter_comment(case_id=self.case_id, body=body, now=self._at(after))


class DemoCases:
    """Makes the demo cases; `now` is the present, every step happens before it."""

    def __init__(self, ref: Reference, now: datetime) -> None:
        self.ref = ref
        self.now = now
        self.limit = now - timedelta(minutes=1)
        self.calendar: WorkingCalendar = get_calendar()
        self.province: Province = province()
        self.centres = {area.code: area.centre for area in self.province.areas if area.centre}
        self.actors: dict[str, Actor] = {}
        self.coordinator = self.actor("dieuphoi")
        self.letters = 0
        self.count = 0
        self.case_ids: dict[str, int] = {}  # by the key in data/cases.toml

    def actor(self, username: str) -> Actor:
        if username not in self.actors:
            self.actors[username] = actor_for(self.ref.users[username])
        return self.actors[username]

    def ago(self, working_days: int, hour: int, minute: int = 0) -> datetime:
        """hour:minute on the day `working_days` working days before the last working day."""
        tz = self.calendar.tz
        day: date = timezone.localtime(self.now, tz).date()
        while not self.calendar.is_working_day(day):
            day -= timedelta(days=1)
        while working_days:
            day -= timedelta(days=1)
            if self.calendar.is_working_day(day):
                working_days -= 1
        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
        return min(moment, self.now - timedelta(minutes=90))

    def received_at(self, spec: CaseSpec) -> datetime:
        if "hours_ago" in spec.received:
            return self.now - timedelta(hours=spec.received["hours_ago"])
        at = spec.received["at"]
        return self.ago(spec.received["working_days_ago"], at.hour, at.minute)

    def receive(self, spec: CaseSpec) -> Story:
        at = self.received_at(spec)
        centre = self.centres.get(spec.area)
        case = services.receive_case(
            channel=spec.channel, title=spec.title, content=spec.content,
            reporter_name=spec.reporter.name, reporter_phone=spec.reporter.phone,
            reporter_email=spec.reporter.email, reporter_address=spec.address,
            is_confidential=spec.confidential, location_text=spec.location,
            latitude=Decimal(centre[0]) if centre else None,
            longitude=Decimal(centre[1]) if centre else None,
            idempotency_key=f"{KEY_PREFIX}{spec.key}",
            area=self.ref.areas[spec.area],
            by=self.coordinator if spec.channel == Case.Channel.HOTLINE else None,
            now=at,
        )
        self.count += 1
        self.case_ids[spec.key] = case.pk
        return Story(self, case, at)

    def make_all(self) -> None:
        for spec in cases():
            story = self.receive(spec)
            for step in spec.steps:
                story.play(step)
