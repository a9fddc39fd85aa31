"""The synthetic cases: each one's whole history laid out in working time, cut at "now"."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import Any

from workflow import services
from workflow.models import Assignment, Case, CaseEvent
from workflow.worktime import WorkingCalendar

DAY_MINUTES = 480  # 07:00–11:30 and 13:30–17:00

# Shares of intake by channel; a channel added later gets a small share rather than none.
CHANNEL_SHARES = {"web": 40, "app": 20, "facebook": 8, "zalo": 10, "email": 5, "dvc": 2,
                  "hotline": 15, "open311": 0}
CHANNELS = list(Case.Channel.values)
CHANNEL_WEIGHTS = [CHANNEL_SHARES.get(channel, 1) for channel in CHANNELS]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Hoàng"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc",
         "Tâm", "Thảo", "Tuấn", "Vy", "Khánh"]
PROBLEMS = ["Đèn đường không sáng", "Ổ gà lớn giữa đường", "Rác thải tồn đọng nhiều ngày",
            "Nước sinh hoạt bị đục", "Cây xanh nghiêng có nguy cơ ngã đổ",
            "Lấn chiếm vỉa hè để buôn bán", "Karaoke gây ồn sau 22 giờ", "Ngập nước sau mưa",
            "Mất điện kéo dài", "Hồ sơ cấp giấy phép xây dựng trễ hẹn",
            "Cống thoát nước bị tắc", "Xe tải chở quá tải làm hư đường"]
PLACES = ["đường 30/4", "đường Cách Mạng Tháng Tám", "đường Trưng Nữ Vương", "Quốc lộ 22B",
          "đường Bời Lời", "đường Nguyễn Chí Thanh", "hẻm 12 Trần Hưng Đạo",
          "đường Lạc Long Quân", "chợ Long Hoa", "khu phố 3"]
DISTRICTS = ["Thành phố Tây Ninh", "Thị xã Hòa Thành", "Thị xã Trảng Bàng", "Huyện Châu Thành",
             "Huyện Dương Minh Châu", "Huyện Tân Biên", "Huyện Tân Châu", "Huyện Gò Dầu",
             "Huyện Bến Cầu"]


def bench_now(calendar: WorkingCalendar, real_now: datetime) -> tuple[datetime, datetime]:
    """The seed's "now" and when the sweep last ran before it.

    "Now" is 10:00 on the latest working day, so working-time deadlines fall around it. The
    sweep is taken to have been down since 16:30 the working day before: its first pass then
    catches up a real backlog (that day's close-of-business deadlines, this morning's).
    """
    local = real_now.astimezone(calendar.tz)
    day = local.date() - timedelta(days=0 if local.time() >= clock_time(10) else 1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    previous = day - timedelta(days=1)
    while not calendar.is_working_day(previous):
        previous -= timedelta(days=1)

    def at(d: date, hour: int, minute: int) -> datetime:
        return datetime(d.year, d.month, d.day, hour, minute, tzinfo=calendar.tz)

    return at(day, 10, 0), at(previous, 16, 30)


@dataclass
class Seeder:
    """Cases whose whole history is laid out in working time, then cut at `now`.

    Each case gets the times it would have been classified, dispatched, accepted, drafted,
    approved and published, from the deadlines of WORKFLOW.md and mostly-prompt durations
    with a late tail; its state is the last step before `now`, so recent cases are open,
    old ones closed, and a few stragglers stay open and overdue. Overdue marks and sent
    reminders are set as the sweep would have left them at `last_sweep`.
    """

    calendar: WorkingCalendar
    now: datetime
    last_sweep: datetime
    units: list[tuple[int, int]]  # (id, processing_days)
    unit_weights: list[float]
    category_ids: list[int]
    area_ids: list[int]
    rng: random.Random = field(default_factory=lambda: random.Random(1022))
    codes: set[str] = field(default_factory=set)
    next_assignment_id: int = 1

    def duration(self, limit_minutes: int) -> int:
        """Working minutes a step takes: mostly within its deadline, 15 % late, a few stuck."""
        draw = self.rng.random()
        if draw < 0.005:
            factor = self.rng.uniform(10, 40)
        elif draw < 0.15:
            factor = self.rng.uniform(1.0, 2.5)
        else:
            factor = self.rng.uniform(0.05, 0.95)
        return max(1, int(limit_minutes * factor))

    def later(self, start: datetime, minutes: int) -> datetime:
        return self.calendar.add_working_minutes(start, minutes)

    def code(self) -> str:
        while True:
            code = "".join(self.rng.choices("0123456789ABCDEFGHJKMNPQRSTVWXYZ", k=10))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def stage(self, row: dict[str, Any], events: list[dict[str, Any]], seq: int,
              start: datetime, due: datetime | None) -> None:
        remind = None
        if due is not None and due > start:
            remind = self.calendar.reminder_at(start, due)
        overdue = None
        if due is not None and due <= self.last_sweep:
            overdue, remind = due + timedelta(minutes=1), None
            assignment = row if "case_id" in row else None
            events.append(self.event(row["case_id"] if assignment else row["id"], overdue,
                                     CaseEvent.Kind.OVERDUE, row["state"], row["state"], assignment,
                                     label="system"))
        elif remind is not None and remind <= self.last_sweep:
            remind = None  # the reminder went out already
        row.update(stage_seq=seq, stage_started_at=start, due_at=due, remind_at=remind,
                   overdue_at=overdue)

    def event(self, case_id: int, at: datetime, kind: CaseEvent.Kind, from_state: str,
              to_state: str, assignment: dict[str, Any] | None = None,
              label: str = "") -> dict[str, Any]:
        return {"case_id": case_id, "at": at, "kind": kind, "from_state": from_state,
                "to_state": to_state, "actor_label": label,
                "assignment_id": assignment["id"] if assignment else None,
                "unit_id": assignment["unit_id"] if assignment else None}

    def case(self, case_id: int, received: datetime) -> tuple[dict, list[dict], list[dict],
                                                              list[dict]]:
        rng, now, S, K = self.rng, self.now, Case.State, CaseEvent.Kind
        problem, place = rng.choice(PROBLEMS), rng.choice(PLACES)
        district = rng.randrange(len(self.area_ids))
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        row: dict[str, Any] = {
            "id": case_id, "tracking_code": self.code(), "state": S.RECEIVED,
            "channel": rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0], "received_at": received,
            "reporter_name": name, "reporter_phone": f"09{rng.randrange(10**8):08d}",
            "reporter_email": f"dan{case_id}@example.vn" if rng.random() < 0.3 else "",
            "reporter_address": f"{rng.randint(1, 300)} {place}, {DISTRICTS[district]}",
            "is_confidential": rng.random() < 0.05,
            "title": f"{problem} tại {place}",
            "content": " ".join([f"{problem} tại {place}, {DISTRICTS[district]}."] + [
                "Người dân phản ánh tình trạng này đã kéo dài nhiều ngày, ảnh hưởng đến sinh "
                "hoạt và đi lại, đề nghị cơ quan chức năng kiểm tra, xử lý dứt điểm."
            ] * rng.randint(1, 4)),
            "location_text": place, "area_id": self.area_ids[district],
            "category_id": rng.choice(self.category_ids) if rng.random() < 0.5 else None,
        }
        events = [self.event(case_id, received, K.RECEIVED, "", S.RECEIVED)]
        assignments: list[dict] = []
        drafts: list[dict] = []
        intake_due = self.calendar.add_working_hours(received, services.INTAKE_HOURS)
        classified = self.later(received, self.duration(180))

        def finish() -> tuple[dict, list[dict], list[dict], list[dict]]:
            row["updated_at"] = max(e["at"] for e in events)
            return row, assignments, events, drafts

        if classified > now:
            self.stage(row, events, 1, received, intake_due)
            return finish()
        row["category_id"] = row["category_id"] or rng.choice(self.category_ids)
        events.append(self.event(case_id, classified, K.CLASSIFIED, S.RECEIVED, S.CLASSIFIED))
        if rng.random() < 0.08:
            row.update(state=S.REJECTED, rejection_reason=rng.choice(
                ["dispute", "advertising", "incomplete", "incomplete"]))
            events.append(self.event(case_id, classified, K.REJECTED, S.CLASSIFIED, S.REJECTED))
            self.stage(row, events, 2, classified, None)
            return finish()
        dispatched = self.later(classified, rng.randint(5, 60))
        if dispatched > now:
            row["state"] = S.CLASSIFIED
            self.stage(row, events, 1, received, intake_due)
            return finish()
        events.append(self.event(case_id, dispatched, K.DISPATCHED, S.CLASSIFIED, S.ASSIGNED))
        count = rng.choices([1, 2, 3], [80, 15, 5])[0]
        chosen: dict[int, int] = {}
        while len(chosen) < count:
            unit_id, days = rng.choices(self.units, self.unit_weights)[0]
            chosen[unit_id] = days
        approvals = []
        for unit_id, days in chosen.items():
            approvals.append(self.assignment(row, unit_id, days, dispatched, events,
                                             assignments, drafts))
        states = {a["state"] for a in assignments}
        self.stage(row, events, 2, dispatched, None)
        all_approved = max(approvals)
        A = Assignment.State
        if all_approved > now:
            row["state"] = (S.PROCESSED if states <= {A.AWAITING_APPROVAL, A.APPROVED}
                            else S.ASSIGNED)
            return finish()
        events.append(self.event(case_id, all_approved, K.MARK_APPROVED, S.ASSIGNED, S.APPROVED))
        published = self.later(all_approved, self.duration(240))
        if published > now:
            row["state"] = S.APPROVED
            self.stage(row, events, 3, all_approved, self.calendar.add_working_hours(
                all_approved, services.PUBLISH_HOURS))
            return finish()
        row.update(state=S.PUBLISHED, published_at=published,
                   is_state_secret=rng.random() < 0.01,
                   reply_text="Đơn vị đã kiểm tra và khắc phục xong; xin cảm ơn ý kiến của bạn.")
        events.append(self.event(case_id, published, K.PUBLISHED, S.APPROVED, S.PUBLISHED))
        self.stage(row, events, 4, published, None)
        reopened = published + timedelta(days=rng.uniform(1, 10))
        if rng.random() < 0.03 and reopened <= now:
            row["reopen_count"] = 1
            events.append(self.event(case_id, reopened, K.REOPENED, S.PUBLISHED, S.REOPENED))
            kept = self.later(reopened, self.duration(240))
            if kept > now:
                row["state"] = S.REOPENED
                self.stage(row, events, 5, reopened, self.calendar.add_working_hours(
                    reopened, services.INTAKE_HOURS))
            else:
                events.append(self.event(case_id, kept, K.RESULT_KEPT, S.REOPENED, S.PUBLISHED))
                self.stage(row, events, 6, kept, None)
        return finish()

    def assignment(self, case: dict, unit_id: int, days: int, dispatched: datetime,
                   events: list[dict], assignments: list[dict], drafts: list[dict]) -> datetime:
        """One unit's share; returns when its draft was approved (maybe after `now`)."""
        A, K, cal, now = Assignment.State, CaseEvent.Kind, self.calendar, self.now
        row: dict[str, Any] = {"id": self.next_assignment_id, "case_id": case["id"],
                               "unit_id": unit_id, "state": A.PENDING, "assigned_at": dispatched}
        self.next_assignment_id += 1
        assignments.append(row)
        accepted = self.later(dispatched, self.duration(DAY_MINUTES))
        processing_due = cal.add_working_days(accepted, days)
        submitted = self.later(accepted, self.duration(days * DAY_MINUTES))
        approved = self.later(submitted, self.duration(DAY_MINUTES))
        if accepted > now:
            self.stage(row, events, 1, dispatched,
                       cal.add_working_days(dispatched, services.RETURN_WINDOW_DAYS))
            return approved
        row.update(state=A.PROCESSING, accepted_at=accepted, processing_due_at=processing_due)
        events.append(self.event(case["id"], accepted, K.ACCEPTED, A.PENDING, A.PROCESSING, row))
        if submitted > now:
            self.stage(row, events, 2, accepted, processing_due)
            return approved
        row.update(state=A.AWAITING_APPROVAL, submitted_at=submitted)
        events.append(self.event(case["id"], submitted, K.DRAFT_SUBMITTED, A.PROCESSING,
                                 A.AWAITING_APPROVAL, row))
        drafts.append({"assignment_id": row["id"], "version": 1, "created_at": submitted,
                       "number": f"{row['id']}/BC", "date": submitted.date(),
                       "addressee": case["reporter_name"], "signer": "Trưởng phòng",
                       "body": f"Về phản ánh “{case['title']}”, đơn vị đã cử cán bộ kiểm tra "
                               "hiện trường và khắc phục trong ngày."})
        if approved > now:
            self.stage(row, events, 3, submitted,
                       cal.add_working_days(submitted, services.APPROVAL_DAYS))
            return approved
        row.update(state=A.APPROVED, approved_at=approved)
        events.append(self.event(case["id"], approved, K.APPROVED, A.AWAITING_APPROVAL,
                                 A.APPROVED, row))
        self.stage(row, events, 4, approved, None)
        return approved
