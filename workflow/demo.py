"""The demo province, Tây Ninh, with units, people and cases (loaded by `manage.py load_demo`).

`make run` runs the command after `migrate`, on SQLite or PostgreSQL. It imports the official
working calendars, creates the areas, units, categories and one login per role, then drives 36
cases through the workflow services, with `now` values over the last three weeks, into every case
and assignment state, and runs the deadline sweep once so overdue marks exist.

It is idempotent: reference rows and logins are created only when missing, a year's calendar
only when it has no official schedule yet, and the cases only when no demo case exists (they
carry the idempotency key ``demo:…``). A second run changes nothing and prints the logins again.

Operator output is plain English (a developer's tool); the data is Vietnamese.
"""

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
from routing.audit import record
from routing.models import (
    Area,
    AuditEvent,
    Category,
    TwoFactorDevice,
    TwoFactorEnrolment,
    Unit,
)
from routing.selectors import Actor, actor_for
from workflow import services
from workflow.models import Assignment, Case
from workflow.worktime import WorkingCalendar, get_calendar

DEFAULT_PASSWORD = "TayNinh-1022-demo"  # noqa: S105 — a demo login, printed on purpose
KEY_PREFIX = "demo:"
EMAIL_DOMAIN = "demo.tayninh.gov.vn"
CALENDAR_YEARS = (2024, 2025, 2026)
COORDINATION_CENTRE = "Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Tây Ninh"

Name = tuple[str, str]  # (family and middle names, given name), as Vietnamese forms ask


# --- Reference data ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    level: str
    parent: str | None = None


P, D, C = Area.Level.PROVINCE, Area.Level.DISTRICT, Area.Level.COMMUNE
AREAS: tuple[AreaSpec, ...] = (
    AreaSpec("tay-ninh", "Tỉnh Tây Ninh", P),
    AreaSpec("tp-tay-ninh", "Thành phố Tây Ninh", D, "tay-ninh"),
    AreaSpec("hoa-thanh", "Thị xã Hòa Thành", D, "tay-ninh"),
    AreaSpec("trang-bang", "Thị xã Trảng Bàng", D, "tay-ninh"),
    AreaSpec("go-dau", "Huyện Gò Dầu", D, "tay-ninh"),
    AreaSpec("chau-thanh", "Huyện Châu Thành", D, "tay-ninh"),
    AreaSpec("tan-bien", "Huyện Tân Biên", D, "tay-ninh"),
    AreaSpec("duong-minh-chau", "Huyện Dương Minh Châu", D, "tay-ninh"),
    AreaSpec("tn-phuong-1", "Phường 1", C, "tp-tay-ninh"),
    AreaSpec("tn-phuong-2", "Phường 2", C, "tp-tay-ninh"),
    AreaSpec("tn-phuong-3", "Phường 3", C, "tp-tay-ninh"),
    AreaSpec("tn-phuong-iv", "Phường IV", C, "tp-tay-ninh"),
    AreaSpec("tn-hiep-ninh", "Phường Hiệp Ninh", C, "tp-tay-ninh"),
    AreaSpec("tn-ninh-son", "Phường Ninh Sơn", C, "tp-tay-ninh"),
    AreaSpec("tn-ninh-thanh", "Phường Ninh Thạnh", C, "tp-tay-ninh"),
    AreaSpec("ht-long-hoa", "Phường Long Hoa", C, "hoa-thanh"),
    AreaSpec("ht-hiep-tan", "Phường Hiệp Tân", C, "hoa-thanh"),
    AreaSpec("ht-long-thanh-bac", "Phường Long Thành Bắc", C, "hoa-thanh"),
    AreaSpec("tb-trang-bang", "Phường Trảng Bàng", C, "trang-bang"),
    AreaSpec("tb-an-tinh", "Phường An Tịnh", C, "trang-bang"),
    AreaSpec("tb-gia-loc", "Phường Gia Lộc", C, "trang-bang"),
    AreaSpec("gd-tt-go-dau", "Thị trấn Gò Dầu", C, "go-dau"),
    AreaSpec("gd-thanh-phuoc", "Xã Thanh Phước", C, "go-dau"),
    AreaSpec("gd-phuoc-thanh", "Xã Phước Thạnh", C, "go-dau"),
    AreaSpec("ct-tt-chau-thanh", "Thị trấn Châu Thành", C, "chau-thanh"),
    AreaSpec("tbi-tt-tan-bien", "Thị trấn Tân Biên", C, "tan-bien"),
    AreaSpec("tbi-hoa-hiep", "Xã Hòa Hiệp", C, "tan-bien"),
)

# Rough centres of the communes, for the map: (latitude, longitude).
COORDINATES: dict[str, tuple[str, str]] = {
    "tn-phuong-1": ("11.309400", "106.098200"),
    "tn-phuong-2": ("11.312600", "106.103900"),
    "tn-phuong-3": ("11.301700", "106.111400"),
    "tn-phuong-iv": ("11.316800", "106.092700"),
    "tn-hiep-ninh": ("11.324300", "106.113000"),
    "tn-ninh-son": ("11.345900", "106.124100"),
    "tn-ninh-thanh": ("11.334900", "106.148200"),
    "ht-long-hoa": ("11.283100", "106.129800"),
    "ht-hiep-tan": ("11.276500", "106.153600"),
    "ht-long-thanh-bac": ("11.265200", "106.123300"),
    "tb-trang-bang": ("11.031300", "106.360500"),
    "tb-an-tinh": ("11.021900", "106.321700"),
    "tb-gia-loc": ("11.055400", "106.337900"),
    "gd-tt-go-dau": ("11.084300", "106.265600"),
    "gd-thanh-phuoc": ("11.070700", "106.236200"),
    "gd-phuoc-thanh": ("11.108800", "106.224400"),
    "ct-tt-chau-thanh": ("11.309900", "106.030400"),
    "tbi-tt-tan-bien": ("11.544600", "105.955700"),
    "tbi-hoa-hiep": ("11.592100", "105.879300"),
}


@dataclass(frozen=True)
class UnitSpec:
    code: str
    login: str  # usernames are <login>.canbo and <login>.lanhdao
    name: str
    kind: str
    area: str
    phone: str
    email: str
    address: str
    processing_days: int
    abbreviation: str  # in the reply letter's number, e.g. 112/SGTVT-VP
    staff: Name
    leader: Name
    leader_title: str


K = Unit.Kind
UNITS: tuple[UnitSpec, ...] = (
    UnitSpec("so-gtvt", "gtvt", "Sở Giao thông vận tải", K.DEPARTMENT, "tay-ninh",
             "0276 3822 517", f"sgtvt@{EMAIL_DOMAIN}",
             "Số 2, đường 30/4, Phường 2, thành phố Tây Ninh", 6, "SGTVT",
             ("Nguyễn Văn", "Phúc"), ("Võ Thanh", "Sơn"), "Phó Giám đốc"),
    UnitSpec("so-tnmt", "tnmt", "Sở Tài nguyên và Môi trường", K.DEPARTMENT, "tay-ninh",
             "0276 3822 449", f"stnmt@{EMAIL_DOMAIN}",
             "Số 300, đường Cách Mạng Tháng Tám, Phường 3, thành phố Tây Ninh", 6, "STNMT",
             ("Trần Minh", "Khoa"), ("Lê Thị", "Ngọc"), "Phó Giám đốc"),
    UnitSpec("so-xd", "xaydung", "Sở Xây dựng", K.DEPARTMENT, "tay-ninh",
             "0276 3822 356", f"sxd@{EMAIL_DOMAIN}",
             "Số 89, đường Phạm Tung, Phường 3, thành phố Tây Ninh", 6, "SXD",
             ("Phạm Quốc", "Việt"), ("Hoàng Thị", "Lan"), "Phó Giám đốc"),
    UnitSpec("cong-an-tinh", "congan", "Công an tỉnh Tây Ninh", K.DEPARTMENT, "tay-ninh",
             "0276 3822 208", f"congan@{EMAIL_DOMAIN}",
             "Số 248, đường 30/4, Phường 3, thành phố Tây Ninh", 6, "CAT",
             ("Huỳnh Văn", "Tài"), ("Vũ Đức", "Thắng"), "Phó Giám đốc"),
    UnitSpec("so-yte", "yte", "Sở Y tế", K.DEPARTMENT, "tay-ninh",
             "0276 3827 435", f"syt@{EMAIL_DOMAIN}",
             "Số 22, đường Trần Quốc Toản, Phường 2, thành phố Tây Ninh", 6, "SYT",
             ("Phan Thị Kim", "Oanh"), ("Bùi Văn", "Lộc"), "Phó Giám đốc"),
    UnitSpec("so-gddt", "gddt", "Sở Giáo dục và Đào tạo", K.DEPARTMENT, "tay-ninh",
             "0276 3822 314", f"sgddt@{EMAIL_DOMAIN}",
             "Số 14, đường Lê Lợi, Phường 2, thành phố Tây Ninh", 6, "SGDĐT",
             ("Đỗ Thị", "Hạnh"), ("Dương Văn", "Nghĩa"), "Phó Giám đốc"),
    UnitSpec("ubnd-tp-tay-ninh", "tptn", "UBND thành phố Tây Ninh", K.LOCAL, "tp-tay-ninh",
             "0276 3822 139", f"ubndtp@{EMAIL_DOMAIN}",
             "Số 374, đường Cách Mạng Tháng Tám, Phường 3, thành phố Tây Ninh", 5, "UBND",
             ("Ngô Thị", "Thảo"), ("Trương Công", "Danh"), "Phó Chủ tịch"),
    UnitSpec("ubnd-hoa-thanh", "hoathanh", "UBND thị xã Hòa Thành", K.LOCAL, "hoa-thanh",
             "0276 3841 230", f"ubndhoathanh@{EMAIL_DOMAIN}",
             "Số 1, đường Phạm Hùng, phường Long Hoa, thị xã Hòa Thành", 5, "UBND",
             ("Lý Thị", "Hồng"), ("Lâm Văn", "Hiếu"), "Phó Chủ tịch"),
    UnitSpec("ubnd-trang-bang", "trangbang", "UBND thị xã Trảng Bàng", K.LOCAL, "trang-bang",
             "0276 3880 225", f"ubndtrangbang@{EMAIL_DOMAIN}",
             "Khu phố Lộc Du, phường Trảng Bàng, thị xã Trảng Bàng", 5, "UBND",
             ("Đinh Thị", "Yến"), ("Tạ Quang", "Vinh"), "Phó Chủ tịch"),
    UnitSpec("cuc-thue", "cucthue", "Cục Thuế tỉnh Tây Ninh", K.CENTRAL, "tay-ninh",
             "0276 3822 640", f"cucthue@{EMAIL_DOMAIN}",
             "Số 300A, đường 30/4, Phường 2, thành phố Tây Ninh", 6, "CTTNI",
             ("Mai Thị", "Trang"), ("Cao Văn", "Thành"), "Phó Cục trưởng"),
    UnitSpec("bhxh", "bhxh", "Bảo hiểm xã hội tỉnh Tây Ninh", K.CENTRAL, "tay-ninh",
             "0276 3822 680", f"bhxh@{EMAIL_DOMAIN}",
             "Số 19, đường Võ Văn Truyện, Phường 2, thành phố Tây Ninh", 6, "BHXH",
             ("Châu Thị", "Diễm"), ("Lê Hoàng", "Nam"), "Phó Giám đốc"),
    UnitSpec("dien-luc", "dienluc", "Công ty Điện lực Tây Ninh", K.ENTERPRISE, "tay-ninh",
             "0276 3822 170", f"dienluc@{EMAIL_DOMAIN}",
             "Số 50, đường Cách Mạng Tháng Tám, Phường 3, thành phố Tây Ninh", 3, "PCTN",
             ("Huỳnh Thị", "Mai"), ("Đặng Quốc", "Bảo"), "Phó Giám đốc"),
    UnitSpec("cap-thoat-nuoc", "capnuoc", "Công ty Cổ phần Cấp thoát nước Tây Ninh",
             K.ENTERPRISE, "tay-ninh", "0276 3822 345", f"capnuoc@{EMAIL_DOMAIN}",
             "Số 210, đường Trưng Nữ Vương, Phường 2, thành phố Tây Ninh", 4, "CTN",
             ("Nguyễn Thị Bích", "Ngân"), ("Trần Thị", "Tuyết"), "Phó Giám đốc"),
)
MAIN_UNITS = ("gtvt", "dienluc")  # whose logins are printed one by one


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    name_en: str
    units: tuple[str, ...]
    needs_photos: bool = False


CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("giao-thong", "Giao thông", "Traffic and roads",
                 ("so-gtvt", "ubnd-tp-tay-ninh", "cong-an-tinh")),
    CategorySpec("chieu-sang", "Chiếu sáng công cộng", "Public lighting",
                 ("ubnd-tp-tay-ninh", "ubnd-hoa-thanh", "dien-luc"), needs_photos=True),
    CategorySpec("moi-truong", "Môi trường", "Environment",
                 ("so-tnmt", "ubnd-tp-tay-ninh", "ubnd-trang-bang")),
    CategorySpec("trat-tu-do-thi", "Trật tự đô thị", "Urban order and public security",
                 ("ubnd-tp-tay-ninh", "ubnd-hoa-thanh", "ubnd-trang-bang", "cong-an-tinh")),
    CategorySpec("cap-thoat-nuoc", "Cấp thoát nước", "Water supply and drainage",
                 ("cap-thoat-nuoc", "so-xd")),
    CategorySpec("dien", "Điện", "Electricity", ("dien-luc",)),
    CategorySpec("dat-dai-xay-dung", "Đất đai – xây dựng", "Land and construction",
                 ("so-tnmt", "so-xd")),
    CategorySpec("y-te", "Y tế", "Health", ("so-yte", "bhxh")),
    CategorySpec("giao-duc", "Giáo dục", "Education", ("so-gddt",)),
    CategorySpec("thu-tuc-hanh-chinh", "Thủ tục hành chính", "Administrative procedures",
                 ("cuc-thue", "bhxh", "ubnd-tp-tay-ninh", "ubnd-hoa-thanh")),
)


@dataclass(frozen=True)
class Login:
    username: str
    name: Name
    role: str  # the label printed in the credentials table
    unit: str = ""


PROVINCE_LOGINS = (
    Login("quantri", ("Phạm Minh", "Tuấn"), "Administrator (superuser)"),
    Login("dieuphoi", ("Trần Thị Thu", "Hà"), "Coordinator"),
    Login("giamsat", ("Lê Văn", "Hùng"), "Supervisor"),
)

# Their roles need two-factor log-in, and enrolling needs the administrator's permission: each
# load of the demo gives it to them for 24 hours (until they have enrolled).
TWO_FACTOR_LOGINS = ("quantri", "dieuphoi")


def allow_two_factor_enrolment(users: dict[str, Any]) -> None:
    for username in TWO_FACTOR_LOGINS:
        user = users[username]
        if not TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
            window = TwoFactorEnrolment.allow(user)
            record(AuditEvent.Action.CONFIG_CHANGED, obj=window, via="demo",
                   change="two_factor_enrolment_allowed", user_id=user.pk)


# --- Helpers ----------------------------------------------------------------------------------
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


@dataclass
class Reference:
    areas: dict[str, Area]
    units: dict[str, Unit]  # by unit code
    categories: dict[str, Category]
    users: dict[str, Any]  # by username
    created: int = 0


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
        return self.demo.actor(f"{self.demo.specs[unit].login}.canbo")

    def _leader(self, unit: str) -> Actor:
        return self.demo.actor(f"{self.demo.specs[unit].login}.lanhdao")

    # --- coordinator ----------------------------------------------------------------------------
    def classify(self, category: str, *, after: int = 35, state_secret: bool | None = None
                 ) -> Story:
        self.category = self.demo.ref.categories[category]
        services.classify_case(case_id=self.case_id, category=self.category,
                               actor=self.demo.coordinator, now=self._at(after),
                               is_state_secret=state_secret)
        return self

    def send_back_for_verification(self, reason: str, *, after: int = 20) -> Story:
        services.send_back_for_verification(case_id=self.case_id, reason=reason,
                                            actor=self.demo.coordinator, now=self._at(after))
        return self

    def reject(self, reason: str, note: str, *, after: int = 30) -> Story:
        services.reject_case(case_id=self.case_id, reason=reason, note=note,
                             actor=self.demo.coordinator, now=self._at(after))
        return self

    def dispatch(self, *units: str, after: int = 15) -> Story:
        services.dispatch_case(
            case_id=self.case_id, unit_ids=[self.demo.ref.units[u].pk for u in units],
            actor=self.demo.coordinator, now=self._at(after),
            instructions="Đề nghị đơn vị kiểm tra, xử lý và báo cáo kết quả về Trung tâm "
                         "theo đúng thời hạn quy định.",
        )
        return self

    def send_back_to_unit(self, unit: str, rework: str, note: str, *, after: int = 60) -> Story:
        services.send_back_to_unit(assignment_id=self._assignment(unit).pk, rework=rework,
                                   note=note, actor=self.demo.coordinator, now=self._at(after))
        return self

    def publish(self, visibility: str = "public", *, after: int = 120) -> Story:
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
        return self

    def reprocess(self, *units: str, note: str, after: int = 120) -> Story:
        services.reprocess_case(case_id=self.case_id,
                                unit_ids=[self.demo.ref.units[u].pk for u in units], note=note,
                                actor=self.demo.coordinator, now=self._at(after))
        return self

    def keep_result(self, note: str, *, after: int = 480) -> Story:
        services.keep_result(case_id=self.case_id, note=note, actor=self.demo.coordinator,
                             now=self._at(after))
        return self

    # --- unit -------------------------------------------------------------------------------------
    def accept(self, unit: str, *, after: int = 90) -> Story:
        services.accept_assignment(assignment_id=self._assignment(unit).pk,
                                   actor=self._staff(unit), now=self._at(after))
        return self

    def return_to_coordinator(self, unit: str, reason: str, *, after: int = 120) -> Story:
        services.return_assignment(assignment_id=self._assignment(unit).pk, reason=reason,
                                   actor=self._staff(unit), now=self._at(after))
        return self

    def extend(self, unit: str, reason: str, *, days: int = 5, after: int = 3 * 480) -> Story:
        assignment = self._assignment(unit)
        now = self._at(after)
        current = assignment.due_at or now
        services.extend_assignment(
            assignment_id=assignment.pk, reason=reason,
            new_due=self.demo.calendar.add_working_days(current, days),
            actor=self._staff(unit), now=now,
        )
        return self

    def submit(self, unit: str, body: str, *, after: int = 2 * 480) -> Story:
        spec = self.demo.specs[unit]
        now = self._at(after)
        photos = []
        if self.category is not None and self.category.needs_photos:
            photos = [evidence_photo(n) for n in (1, 2)]
        self.demo.letters += 1
        services.submit_draft(
            assignment_id=self._assignment(unit).pk, actor=self._staff(unit), now=now,
            body=f"{spec.name} nhận được phản ánh mã số {self.code} về việc: "
                 f"{self.title}.\n\n{body}",
            number=f"{100 + self.demo.letters}/{spec.abbreviation}-VP",
            date=timezone.localtime(now).date(),
            addressee=COORDINATION_CENTRE,
            signer=" ".join(spec.leader),
            signer_title=spec.leader_title,
            recipients=f"- Như trên;\n- Lưu: VT, {spec.abbreviation}.",
            photos=photos,
        )
        return self

    def return_to_staff(self, unit: str, note: str, *, after: int = 240) -> Story:
        services.return_to_staff(assignment_id=self._assignment(unit).pk, note=note,
                                 actor=self._leader(unit), now=self._at(after))
        return self

    def approve(self, unit: str, *, edited: str | None = None, after: int = 180) -> Story:
        assignment = self._assignment(unit)
        edited_body = None
        if edited is not None:
            spec = self.demo.specs[unit]
            edited_body = (f"{spec.name} nhận được phản ánh mã số {self.code} về việc: "
                           f"{self.title}.\n\n{edited}")
        services.approve_assignment(assignment_id=assignment.pk, actor=self._leader(unit),
                                    now=self._at(after), edited_body=edited_body)
        return self

    # --- reporter ---------------------------------------------------------------------------------
    def rate(self, value: str, note: str = "", *, after: int = 480) -> Story:
        rate_case(case_id=self.case_id, value=value, note=note, now=self._at(after))
        return self

    def comment(self, body: str, *, after: int = 240) -> Story:
        add_reporter_comment(case_id=self.case_id, body=body, now=self._at(after))
        return self


class DemoCases:
    """Makes the demo cases; `now` is the present, every step happens before it."""

    def __init__(self, ref: Reference, now: datetime) -> None:
        self.ref = ref
        self.now = now
        self.limit = now - timedelta(minutes=1)
        self.calendar: WorkingCalendar = get_calendar()
        self.specs = {spec.code: spec for spec in UNITS}
        self.actors: dict[str, Actor] = {}
        self.coordinator = self.actor("dieuphoi")
        self.letters = 0
        self.count = 0

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

    def receive(
        self, key: str, *, at: datetime, channel: str, title: str, content: str,
        area: str, location: str, reporter: tuple[str, str, str], address: str = "",
        confidential: bool = False,
    ) -> Story:
        name, phone, email = reporter
        latitude, longitude = COORDINATES.get(area, (None, None))
        case = services.receive_case(
            channel=channel, title=title, content=content, reporter_name=name,
            reporter_phone=phone, reporter_email=email, reporter_address=address,
            is_confidential=confidential, location_text=location,
            latitude=Decimal(latitude) if latitude else None,
            longitude=Decimal(longitude) if longitude else None,
            idempotency_key=f"{KEY_PREFIX}{key}",
            area=self.ref.areas[area],
            by=self.coordinator if channel == Case.Channel.HOTLINE else None,
            now=at,
        )
        self.count += 1
        return Story(self, case, at)

    def make_all(self) -> None:
        ch = Case.Channel
        sat, acc, uns = "satisfied", "accepted", "unsatisfied"

        # --- Received: waiting for the coordination centre -----------------------------------
        self.receive(
            "cay-do", at=self.now - timedelta(hours=2), channel=ch.APP,
            title="Cây xanh ngã đổ chắn ngang đường Trưng Nữ Vương",
            content="Sau cơn mưa lớn, một cây dầu ngã đổ chắn gần hết lòng đường Trưng Nữ "
                    "Vương, đoạn gần chợ Tây Ninh. Xe máy phải leo lên vỉa hè để đi qua, rất "
                    "nguy hiểm. Đề nghị cơ quan chức năng sớm cưa dọn.",
            area="tn-phuong-2", location="Đường Trưng Nữ Vương, Phường 2, thành phố Tây Ninh",
            reporter=("Nguyễn Thị Lan", "0903214587", "lan.nguyen@example.com"),
        )
        self.receive(
            "nuoc-thai-quan-an", at=self.ago(3, 21, 10), channel=ch.FACEBOOK,
            title="Nước thải từ quán ăn chảy tràn ra đường",
            content="Quán ăn trên đường Nguyễn Chí Thanh xả nước thải trực tiếp ra lề đường "
                    "mỗi tối, bốc mùi hôi thối, ảnh hưởng các hộ dân xung quanh.",
            area="ht-hiep-tan", location="Đường Nguyễn Chí Thanh, phường Hiệp Tân, thị xã Hòa "
                                         "Thành",
            reporter=("Phạm Văn Dũng", "0918452301", "dung.pham@example.com"),
        )
        self.receive(
            "tru-dien-nghieng", at=self.ago(1, 10, 5), channel=ch.HOTLINE,
            title="Trụ điện nghiêng có nguy cơ ngã đổ",
            content="Người dân gọi đường dây nóng phản ánh trụ điện trước nhà số 45 đường Điện "
                    "Biên Phủ bị nghiêng sau khi xe tải va quẹt, dây điện võng thấp sát đầu "
                    "người đi đường.",
            area="tn-ninh-thanh",
            location="Số 45 đường Điện Biên Phủ, phường Ninh Thạnh, thành phố Tây Ninh",
            reporter=("Lê Văn Tư", "0977310846", ""),
        )
        self.receive(
            "cham-cap-so", at=self.ago(1, 8, 5), channel=ch.EMAIL,
            title="Đề nghị xem xét việc cấp giấy chứng nhận quyền sử dụng đất chậm",
            content="Tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất tại bộ phận một cửa "
                    "từ ba tháng trước nhưng đến nay chưa nhận được kết quả, cũng không được "
                    "thông báo lý do.",
            area="gd-tt-go-dau", location="Thị trấn Gò Dầu, huyện Gò Dầu",
            reporter=("Trần Văn Hậu", "0908776152", "hau.tran@example.com"),
        ).classify("dat-dai-xay-dung").send_back_for_verification(
            "Chưa rõ hồ sơ nộp tại cấp huyện hay cấp tỉnh; cần gọi lại người phản ánh để xác "
            "minh mã hồ sơ."
        )

        # --- Classified: waiting for dispatch -------------------------------------------------
        self.receive(
            "thu-tien-truong", at=self.ago(0, 7, 50), channel=ch.ZALO,
            title="Trường học thu tiền ngoài quy định đầu năm học",
            content="Trường tiểu học ở phường Long Hoa thu nhiều khoản đầu năm như tiền máy "
                    "lạnh, tiền vệ sinh, quỹ lớp với tổng số tiền lớn, phụ huynh không được "
                    "họp bàn trước.",
            area="ht-long-hoa", location="Phường Long Hoa, thị xã Hòa Thành",
            reporter=("Võ Thị Kim Cúc", "0935128470", "cuc.vo@example.com"),
        ).classify("giao-duc")
        self.receive(
            "bien-gioi", at=self.ago(0, 9, 0), channel=ch.EMAIL,
            title="Phản ánh liên quan đến an ninh khu vực biên giới",
            content="Người phản ánh cung cấp thông tin về hoạt động đáng ngờ tại khu vực biên "
                    "giới thuộc xã Hòa Hiệp, huyện Tân Biên. Nội dung chi tiết được quản lý "
                    "theo chế độ mật.",
            area="tbi-hoa-hiep", location="Xã Hòa Hiệp, huyện Tân Biên",
            reporter=("Đoàn Văn Mạnh", "0962481357", "manh.doan@example.com"),
        ).classify("trat-tu-do-thi", state_secret=True)
        self.receive(
            "bac-si-thai-do", at=self.ago(1, 14, 10), channel=ch.HOTLINE,
            title="Nhân viên y tế có thái độ không đúng mực với người bệnh",
            content="Người nhà bệnh nhân gọi đường dây nóng phản ánh nhân viên khoa Cấp cứu "
                    "Bệnh viện Đa khoa tỉnh nói năng thiếu tôn trọng, chậm tiếp nhận bệnh nhân "
                    "cao tuổi vào buổi tối.",
            area="tn-hiep-ninh", location="Bệnh viện Đa khoa tỉnh Tây Ninh, phường Hiệp Ninh",
            reporter=("Ngô Thị Hoa", "0984620915", ""),
        ).classify("y-te").dispatch("bhxh").return_to_coordinator(
            "bhxh", "Nội dung phản ánh về thái độ phục vụ của nhân viên bệnh viện, thuộc thẩm "
                    "quyền của Sở Y tế, không thuộc lĩnh vực bảo hiểm xã hội."
        )

        # --- Rejected (Art. 6.5, 6.2–6.3) -------------------------------------------------------
        self.receive(
            "quang-cao", at=self.ago(6, 13, 20), channel=ch.WEB,
            title="Dịch vụ vay tiền nhanh không cần thế chấp",
            content="Hỗ trợ vay tiền nhanh trong ngày, lãi suất thấp, chỉ cần căn cước công "
                    "dân. Liên hệ để được tư vấn miễn phí.",
            area="tn-phuong-1", location="Thành phố Tây Ninh",
            reporter=("Hỗ trợ tài chính", "0999000111", "vaynhanh@example.com"),
        ).reject("advertising", "Nội dung quảng cáo, không phải phản ánh, kiến nghị.")
        self.receive(
            "tranh-chap-dat", at=self.ago(8, 15, 0), channel=ch.EMAIL,
            title="Tranh chấp ranh giới đất với hộ liền kề",
            content="Gia đình tôi và hộ bên cạnh tranh chấp phần đất khoảng 20 m² giáp ranh "
                    "tại ấp Phước Đức, xã Thanh Phước. Đề nghị Cổng 1022 giải quyết buộc hộ bên "
                    "cạnh trả lại đất.",
            area="gd-thanh-phuoc", location="Ấp Phước Đức, xã Thanh Phước, huyện Gò Dầu",
            reporter=("Huỳnh Văn Bình", "0913587246", "binh.huynh@example.com"),
        ).classify("dat-dai-xay-dung").reject(
            "dispute", "Nội dung là tranh chấp đất đai, được giải quyết theo pháp luật về đất "
                       "đai. Đề nghị ông gửi đơn đến UBND xã Thanh Phước để được hòa giải theo "
                       "quy định.",
        )
        self.receive(
            "duong-hu", at=self.ago(2, 19, 40), channel=ch.FACEBOOK,
            title="Đường hư", content="Đường hư lâu rồi mà không ai sửa.",
            area="tb-an-tinh", location="",
            reporter=("Tâm Nguyễn", "0987123654", ""),
        ).reject("incomplete", "Chưa nêu rõ vị trí tuyến đường; đã đề nghị người phản ánh bổ "
                               "sung thông tin qua tin nhắn Facebook.")

        # --- Assigned -----------------------------------------------------------------------------
        self.receive(
            "nuoc-duc", at=self.ago(0, 8, 20), channel=ch.PUBLIC_SERVICE_PORTAL,
            title="Nước máy có màu vàng đục, nhiều cặn",
            content="Khoảng một tuần nay, nước máy tại khu phố 4, phường Hiệp Ninh có màu vàng "
                    "đục, để lắng có nhiều cặn, gia đình không dám dùng để nấu ăn.",
            area="tn-hiep-ninh", location="Khu phố 4, phường Hiệp Ninh, thành phố Tây Ninh",
            reporter=("Trịnh Thị Mỹ", "0944215873", "my.trinh@example.com"),
        ).classify("cap-thoat-nuoc").dispatch("cap-thoat-nuoc")
        self.receive(
            "lan-chiem-via-he", at=self.ago(3, 9, 30), channel=ch.OPEN311,
            title="Lấn chiếm vỉa hè kinh doanh trên đường Phạm Văn Đồng",
            content="Nhiều hộ kinh doanh bày hàng hóa, dựng mái che lấn chiếm toàn bộ vỉa hè "
                    "đoạn gần chợ Long Hoa, người đi bộ phải đi xuống lòng đường.",
            area="ht-long-hoa", location="Đường Phạm Văn Đồng, phường Long Hoa, thị xã Hòa Thành",
            reporter=("Lâm Minh Trí", "0938604172", "tri.lam@example.com"),
        ).classify("trat-tu-do-thi").dispatch("ubnd-hoa-thanh")
        self.receive(
            "o-ga-cmt8", at=self.ago(5, 7, 40), channel=ch.WEB,
            title="Ổ gà lớn trên đường Cách Mạng Tháng Tám",
            content="Đoạn đường Cách Mạng Tháng Tám gần ngã tư Bời Lời xuất hiện nhiều ổ gà "
                    "sâu, đường kính gần 1 m, đã có người đi xe máy bị té ngã vào ban đêm.",
            area="tn-phuong-3",
            location="Đường Cách Mạng Tháng Tám, Phường 3, thành phố Tây Ninh",
            reporter=("Đặng Văn Lực", "0909347281", "luc.dang@example.com"),
        ).classify("giao-thong").dispatch("so-gtvt").accept("so-gtvt", after=60)
        self.receive(
            "khoai-mi", at=self.ago(10, 14, 0), channel=ch.ZALO,
            title="Cơ sở chế biến khoai mì gây ô nhiễm nguồn nước",
            content="Cơ sở chế biến tinh bột khoai mì tại ấp Ninh Trung xả nước thải chưa qua "
                    "xử lý ra kênh tiêu, nước kênh đen ngòm, cá chết, mùi hôi nồng nặc nhất là "
                    "về đêm.",
            area="tn-ninh-son", location="Ấp Ninh Trung, phường Ninh Sơn, thành phố Tây Ninh",
            reporter=("Phan Văn Khải", "0967205318", "khai.phan@example.com"),
        ).classify("moi-truong").dispatch("so-tnmt").accept("so-tnmt")
        self.receive(
            "cong-trinh-bui", at=self.ago(8, 10, 0), channel=ch.EMAIL,
            title="Công trình xây dựng không che chắn, gây bụi",
            content="Công trình xây dựng nhà ở 4 tầng ở khu phố Lộc Du không có lưới che chắn, "
                    "vật liệu rơi xuống đường, bụi bay mù mịt vào nhà dân.",
            area="tb-trang-bang", location="Khu phố Lộc Du, phường Trảng Bàng, thị xã Trảng Bàng",
            reporter=("Nguyễn Hoàng Long", "0916823745", "long.nguyen@example.com"),
        ).classify("dat-dai-xay-dung").dispatch("so-xd").accept("so-xd").extend(
            "so-xd", "Cần phối hợp với UBND thị xã Trảng Bàng kiểm tra hiện trạng công trình "
                     "và đối chiếu hồ sơ cấp phép xây dựng.",
        )
        self.receive(
            "cong-nghet", at=self.ago(6, 8, 45), channel=ch.WEB,
            title="Cống thoát nước bị nghẹt, nước tràn vào nhà dân khi mưa",
            content="Mỗi khi mưa lớn, nước từ cống thoát nước trên đường Lê Lợi tràn ngược vào "
                    "nhà dân khu phố 1 do cống bị nghẹt rác và bùn đất, nước ngập sâu khoảng "
                    "30 cm.",
            area="tn-phuong-1", location="Đường Lê Lợi, Phường 1, thành phố Tây Ninh",
            reporter=("Châu Văn Thịnh", "0925716384", "thinh.chau@example.com"),
        ).classify("cap-thoat-nuoc").dispatch("so-xd").return_to_coordinator(
            "so-xd", "Tuyến cống này do Công ty Cổ phần Cấp thoát nước Tây Ninh quản lý, vận "
                     "hành; không thuộc thẩm quyền của Sở Xây dựng.",
        ).dispatch("cap-thoat-nuoc", after=60).accept("cap-thoat-nuoc")
        self.receive(
            "den-duong-tat", at=self.ago(4, 20, 15), channel=ch.APP,
            title="Cả tuyến đèn đường tắt tối om",
            content="Toàn bộ đèn chiếu sáng trên đường Nguyễn Văn Rốp, đoạn từ vòng xoay công "
                    "viên đến cầu Quan, tắt đã 5 ngày. Buổi tối đường tối om, học sinh đi học "
                    "thêm về rất nguy hiểm.",
            area="tn-phuong-iv", location="Đường Nguyễn Văn Rốp, Phường IV, thành phố Tây Ninh",
            reporter=("Bùi Thị Thanh", "0972638514", "thanh.bui@example.com"),
        ).classify("chieu-sang").dispatch("ubnd-tp-tay-ninh", "dien-luc").accept(
            "dien-luc", after=45
        ).accept("ubnd-tp-tay-ninh", after=60).submit(
            "dien-luc", "Công ty đã kiểm tra, xác định nguyên nhân do chạm chập làm nhảy áp-tô-mát "
                        "tổng cấp nguồn cho tủ điều khiển chiếu sáng; đã thay thiết bị và cấp "
                        "điện trở lại ổn định. Việc thay bóng đèn hư hỏng thuộc đơn vị quản lý "
                        "hệ thống chiếu sáng của thành phố.", after=480,
        )
        self.receive(
            "bien-bao-che", at=self.ago(5, 9, 15), channel=ch.PUBLIC_SERVICE_PORTAL,
            title="Biển báo giao thông bị cây xanh che khuất",
            content="Biển báo hạn chế tốc độ trên Đường tỉnh 781, đoạn qua thị trấn Châu Thành, "
                    "bị cây xanh che khuất hoàn toàn, tài xế không thể nhìn thấy.",
            area="ct-tt-chau-thanh", location="Đường tỉnh 781, thị trấn Châu Thành",
            reporter=("Lý Văn Sang", "0947582613", "sang.ly@example.com"),
        ).classify("giao-thong").dispatch("so-gtvt").accept("so-gtvt").submit(
            "so-gtvt", "Sở đã giao đơn vị quản lý đường bộ cắt tỉa cây xanh che khuất biển báo.",
            after=480,
        ).return_to_staff(
            "so-gtvt", "Dự thảo chưa nêu thời gian hoàn thành việc cắt tỉa và chưa kiểm tra "
                       "các biển báo khác trên tuyến; đề nghị bổ sung.",
        )
        self.receive(
            "den-hem", at=self.ago(4, 8, 0), channel=ch.WEB,
            title="Đèn chiếu sáng trong hẻm bị hỏng",
            content="Hai bóng đèn chiếu sáng trong hẻm 12 đường Nguyễn Văn Linh bị hỏng hơn 2 "
                    "tuần, hẻm tối, đã xảy ra trộm cắp xe máy.",
            area="ht-long-thanh-bac",
            location="Hẻm 12 đường Nguyễn Văn Linh, phường Long Thành Bắc, thị xã Hòa Thành",
            reporter=("Trương Thị Ánh", "0939417265", "anh.truong@example.com"),
        ).classify("chieu-sang").dispatch("ubnd-hoa-thanh").accept("ubnd-hoa-thanh").submit(
            "ubnd-hoa-thanh", "UBND thị xã đã chỉ đạo Phòng Quản lý đô thị thay mới 2 bóng đèn "
                              "LED trong hẻm 12 đường Nguyễn Văn Linh.",
        ).approve("ubnd-hoa-thanh").send_back_to_unit(
            "ubnd-hoa-thanh", Assignment.Rework.REDISTRIBUTION,
            "Ảnh minh chứng chụp ban ngày, chưa thể hiện đèn đã sáng; đề nghị bổ sung ảnh "
            "chụp buổi tối.",
        )
        self.receive(
            "rac-cho-ninh-son", at=self.ago(7, 10, 0), channel=ch.FACEBOOK,
            title="Rác thải tồn đọng nhiều ngày tại chợ Ninh Sơn",
            content="Rác thải sau buổi chợ bị dồn đống ở góc chợ Ninh Sơn nhiều ngày không được "
                    "thu gom, bốc mùi hôi, ruồi nhặng nhiều.",
            area="tn-ninh-son", location="Chợ Ninh Sơn, phường Ninh Sơn, thành phố Tây Ninh",
            reporter=("Hồ Thị Nhung", "0906152847", "nhung.ho@example.com"),
        ).classify("moi-truong").dispatch("ubnd-tp-tay-ninh").accept("ubnd-tp-tay-ninh").submit(
            "ubnd-tp-tay-ninh", "UBND thành phố đã chỉ đạo đơn vị thu gom rác tổ chức thu gom "
                                "toàn bộ rác tồn đọng tại chợ Ninh Sơn và tăng tần suất thu gom "
                                "lên hai lần mỗi ngày.", after=480,
        ).approve("ubnd-tp-tay-ninh", after=60).publish(after=60).rate(
            uns, "Rác vẫn còn tồn đọng vào buổi chiều, chỉ thu gom được một phần."
        ).reprocess(
            "ubnd-tp-tay-ninh",
            note="Người dân chưa hài lòng: rác vẫn tồn đọng vào buổi chiều. Đề nghị kiểm tra "
                 "lại và bố trí thu gom dứt điểm.",
        )

        # --- Processed: drafts waiting for the leader ------------------------------------------
        self.receive(
            "thieu-thuoc", at=self.ago(6, 9, 0), channel=ch.WEB,
            title="Trạm y tế xã thiếu thuốc điều trị tăng huyết áp",
            content="Trạm y tế xã Thanh Phước nhiều tháng nay thường xuyên hết thuốc điều trị "
                    "tăng huyết áp cấp theo bảo hiểm y tế, người bệnh phải tự mua ngoài.",
            area="gd-thanh-phuoc", location="Trạm y tế xã Thanh Phước, huyện Gò Dầu",
            reporter=("Lê Thị Sáu", "0914736258", "sau.le@example.com"),
        ).classify("y-te").dispatch("so-yte").accept("so-yte").submit(
            "so-yte", "Sở Y tế đã làm việc với Trung tâm Y tế huyện Gò Dầu; nguyên nhân do gói "
                      "thầu thuốc năm 2026 chậm giao hàng. Trung tâm đã điều chuyển thuốc từ "
                      "kho dự trữ cho trạm y tế xã Thanh Phước từ tuần này.",
        )
        self.receive(
            "khoi-kcn", at=self.ago(7, 8, 30), channel=ch.EMAIL,
            title="Khói bụi từ nhà máy trong khu công nghiệp Trảng Bàng",
            content="Vào ban đêm, một nhà máy trong Khu công nghiệp Trảng Bàng thải khói có mùi "
                    "khét, gây khó thở cho người dân khu phố An Khương. Tình trạng kéo dài gần "
                    "một tháng.",
            area="tb-an-tinh", location="Khu phố An Khương, phường An Tịnh, thị xã Trảng Bàng",
            reporter=("Mai Văn Phước", "0926384157", "phuoc.mai@example.com"),
        ).classify("moi-truong").dispatch("so-tnmt", "ubnd-trang-bang").accept(
            "so-tnmt"
        ).accept("ubnd-trang-bang", after=60).submit(
            "so-tnmt", "Đoàn kiểm tra liên ngành đã lấy mẫu khí thải tại ống khói của nhà máy; "
                       "kết quả quan trắc vượt quy chuẩn về bụi. Sở đã lập biên bản và đề nghị "
                       "xử phạt vi phạm hành chính, yêu cầu nhà máy khắc phục hệ thống xử lý "
                       "khí thải.",
        ).submit(
            "ubnd-trang-bang", "UBND thị xã đã giao UBND phường An Tịnh phối hợp theo dõi, "
                               "tiếp nhận phản ánh của người dân khu phố An Khương.", after=120,
        ).approve("so-tnmt")

        # --- Approved: waiting for publication ---------------------------------------------------
        self.receive(
            "dien-chap-chon", at=self.ago(3, 7, 30), channel=ch.APP,
            title="Điện chập chờn, thường xuyên mất điện vào buổi tối",
            content="Khu phố Ninh Phước, phường Ninh Thạnh thường xuyên bị mất điện vào khoảng "
                    "18–20 giờ, điện áp yếu làm hư hỏng thiết bị điện trong gia đình.",
            area="tn-ninh-thanh", location="Khu phố Ninh Phước, phường Ninh Thạnh",
            reporter=("Tô Văn Hiền", "0978216453", "hien.to@example.com"),
        ).classify("dien").dispatch("dien-luc").accept("dien-luc").submit(
            "dien-luc", "Công ty đã hoán chuyển máy biến áp 250 kVA cho trạm Ninh Phước 3 bị quá "
                        "tải và cân pha lại lưới hạ áp; điện áp tại khu vực đã ổn định.",
            after=600,
        ).approve("dien-luc")
        self.receive(
            "thieu-phong-hoc", at=self.ago(5, 15, 30), channel=ch.ZALO,
            title="Học sinh phải học ca chiều muộn do thiếu phòng học",
            content="Trường THCS ở thị trấn Gò Dầu thiếu phòng học, học sinh khối 6 phải học ca "
                    "chiều đến 17 giờ 30, phụ huynh đề nghị sớm xây thêm phòng học.",
            area="gd-tt-go-dau", location="Thị trấn Gò Dầu, huyện Gò Dầu",
            reporter=("Đinh Văn Quang", "0932571846", "quang.dinh@example.com"),
        ).classify("giao-duc").dispatch("so-gddt").accept("so-gddt").submit(
            "so-gddt", "Trường đang xây thêm 8 phòng học.",
        ).approve(
            "so-gddt", edited="Sở Giáo dục và Đào tạo đã phối hợp UBND huyện Gò Dầu kiểm tra. "
                              "Công trình xây thêm 8 phòng học của trường đang thi công, dự kiến "
                              "đưa vào sử dụng từ học kỳ II năm học 2026–2027; trong thời gian "
                              "này, trường điều chỉnh thời khóa biểu để học sinh khối 6 tan học "
                              "trước 17 giờ.",
        )

        # --- Published -------------------------------------------------------------------------
        self.receive(
            "vach-ke-duong", at=self.ago(14, 8, 10), channel=ch.WEB,
            title="Đề nghị sơn lại vạch kẻ đường trước trường học",
            content="Vạch kẻ đường dành cho người đi bộ trước Trường THPT Tây Ninh đã mờ hoàn "
                    "toàn, học sinh qua đường rất nguy hiểm vào giờ tan học.",
            area="tn-phuong-1", location="Trước Trường THPT Tây Ninh, Phường 1",
            reporter=("Nguyễn Thị Hương", "0915283746", "huong.nguyen@example.com"),
        ).classify("giao-thong").dispatch("so-gtvt").accept("so-gtvt").submit(
            "so-gtvt", "Sở đã chỉ đạo đơn vị quản lý đường bộ sơn lại vạch kẻ đường dành cho "
                       "người đi bộ và lắp bổ sung biển cảnh báo khu vực trường học trước Trường "
                       "THPT Tây Ninh; việc thi công đã hoàn thành.",
        ).approve("so-gtvt").publish().rate(sat, "Cảm ơn Sở đã xử lý nhanh.")
        self.receive(
            "the-bhyt", at=self.ago(13, 9, 40), channel=ch.PUBLIC_SERVICE_PORTAL,
            title="Chậm cấp lại thẻ bảo hiểm y tế",
            content="Tôi làm thủ tục cấp lại thẻ bảo hiểm y tế do bị mất tại Bảo hiểm xã hội "
                    "thị xã Hòa Thành đã 15 ngày nhưng chưa nhận được thẻ, trong khi giấy hẹn "
                    "ghi 7 ngày.",
            area="ht-long-hoa", location="Bảo hiểm xã hội thị xã Hòa Thành",
            reporter=("Phạm Thị Ngọc Trâm", "0963815274", "tram.pham@example.com"),
        ).classify("thu-tuc-hanh-chinh").dispatch("bhxh").accept("bhxh").submit(
            "bhxh", "Hồ sơ của bà bị chậm do sai lệch thông tin ngày sinh giữa cơ sở dữ liệu "
                    "bảo hiểm và dữ liệu dân cư. Bảo hiểm xã hội tỉnh đã điều chỉnh và in thẻ; "
                    "bà có thể nhận thẻ tại bộ phận một cửa Bảo hiểm xã hội thị xã Hòa Thành.",
        ).approve("bhxh").publish().comment(
            "Cho tôi hỏi khi đến nhận thẻ có cần mang theo giấy tờ gì không?"
        ).rate(acc)
        self.receive(
            "den-pham-hung", at=self.ago(11, 19, 0), channel=ch.OPEN311,
            title="Đèn đường chập chờn trên đường Phạm Hùng",
            content="Nhiều bóng đèn đường trên đường Phạm Hùng, đoạn gần Tòa Thánh, chập chờn "
                    "lúc sáng lúc tắt vào ban đêm.",
            area="ht-hiep-tan", location="Đường Phạm Hùng, phường Hiệp Tân, thị xã Hòa Thành",
            reporter=("Võ Minh Nhật", "0921648375", "nhat.vo@example.com"),
        ).classify("chieu-sang").dispatch("ubnd-hoa-thanh").accept("ubnd-hoa-thanh").submit(
            "ubnd-hoa-thanh", "UBND thị xã đã thay 6 bộ đèn LED và dây dẫn bị hư hỏng trên "
                              "đường Phạm Hùng; hệ thống chiếu sáng đã hoạt động bình thường "
                              "(ảnh chụp hiện trường kèm theo).",
        ).approve("ubnd-hoa-thanh").publish()
        self.receive(
            "karaoke", at=self.ago(12, 9, 20), channel=ch.EMAIL, confidential=True,
            title="Cơ sở karaoke hoạt động gây ồn quá giờ quy định",
            content="Quán karaoke trên đường Nguyễn Thái Học hoạt động đến 1–2 giờ sáng, âm "
                    "thanh lớn ảnh hưởng giấc ngủ của người dân. Tôi đề nghị giữ bí mật thông "
                    "tin cá nhân.",
            area="tn-phuong-iv", location="Đường Nguyễn Thái Học, Phường IV, thành phố Tây Ninh",
            reporter=("Trần Quốc Huy", "0901735264", "huy.tran@example.com"),
        ).classify("trat-tu-do-thi").dispatch("ubnd-tp-tay-ninh").accept(
            "ubnd-tp-tay-ninh"
        ).submit(
            "ubnd-tp-tay-ninh", "Tổ công tác của UBND Phường IV đã kiểm tra, lập biên bản vi "
                                "phạm về tiếng ồn đối với cơ sở karaoke và yêu cầu cơ sở chấm "
                                "dứt hoạt động trước 22 giờ hằng ngày.",
        ).approve("ubnd-tp-tay-ninh").publish("confidential")
        self.receive(
            "buon-lau", at=self.ago(15, 10, 30), channel=ch.HOTLINE,
            title="Thông tin về đường dây vận chuyển hàng lậu qua biên giới",
            content="Người dân cung cấp thông tin về hoạt động vận chuyển hàng lậu qua đường mòn "
                    "biên giới. Chi tiết được quản lý theo chế độ mật.",
            area="tbi-hoa-hiep", location="Khu vực biên giới, huyện Tân Biên",
            reporter=("Người cung cấp tin", "0958246173", ""),
        ).classify("trat-tu-do-thi", state_secret=True).dispatch("cong-an-tinh").accept(
            "cong-an-tinh"
        ).submit(
            "cong-an-tinh", "Công an tỉnh đã tiếp nhận, xác minh và xử lý thông tin theo quy "
                            "định. Kết quả được thông báo trực tiếp cho người cung cấp thông tin.",
        ).approve("cong-an-tinh").publish("state_secret")
        self.receive(
            "xe-qua-tai", at=self.ago(15, 20, 45), channel=ch.FACEBOOK,
            title="Xe tải chở quá tải làm hư hỏng Đường tỉnh 782",
            content="Nhiều xe tải chở cát, đá quá tải chạy liên tục trên Đường tỉnh 782 qua xã "
                    "Phước Thạnh, mặt đường hư hỏng nặng, bụi mù mịt.",
            area="gd-phuoc-thanh", location="Đường tỉnh 782, xã Phước Thạnh, huyện Gò Dầu",
            reporter=("Dương Thị Loan", "0917462538", "loan.duong@example.com"),
        ).classify("giao-thong").dispatch("so-gtvt", "cong-an-tinh").accept("so-gtvt").accept(
            "cong-an-tinh", after=30
        ).submit(
            "cong-an-tinh", "Phòng Cảnh sát giao thông đã tổ chức các tổ tuần tra, kiểm soát trên "
                            "Đường tỉnh 782, xử lý 12 trường hợp xe chở quá tải trọng.",
        ).submit(
            "so-gtvt", "Sở đã giao nhà thầu bảo trì vá các đoạn hư hỏng trên Đường tỉnh 782 và "
                       "lắp biển hạn chế tải trọng xe 10 tấn tại hai đầu tuyến.", after=240,
        ).approve("cong-an-tinh").approve("so-gtvt", after=60).publish().rate(sat)
        self.receive(
            "hoan-thue", at=self.ago(10, 8, 0), channel=ch.WEB,
            title="Chậm giải quyết hồ sơ hoàn thuế thu nhập cá nhân",
            content="Tôi nộp hồ sơ đề nghị hoàn thuế thu nhập cá nhân năm 2025 qua Cổng dịch vụ "
                    "công từ hai tháng trước, hồ sơ vẫn ở trạng thái đang xử lý và không có "
                    "thông báo gì.",
            area="tn-phuong-2", location="Thành phố Tây Ninh",
            reporter=("Lê Minh Khang", "0938152647", "khang.le@example.com"),
        ).classify("thu-tuc-hanh-chinh").dispatch("cuc-thue").accept("cuc-thue").submit(
            "cuc-thue", "Hồ sơ hoàn thuế của ông đã được giải quyết.", after=480,
        ).approve("cuc-thue").send_back_to_unit(
            "cuc-thue", Assignment.Rework.REVISION,
            "Văn bản trả lời chưa đúng thể thức: chưa nêu số quyết định hoàn thuế và ngày chuyển "
            "tiền; đề nghị hoàn thiện.",
        ).submit(
            "cuc-thue", "Cục Thuế đã ban hành quyết định hoàn thuế thu nhập cá nhân năm 2025 cho "
                        "ông; số tiền hoàn đã được chuyển vào tài khoản ông đăng ký. Nguyên nhân "
                        "chậm là hồ sơ thiếu chứng từ khấu trừ thuế, công chức đã liên hệ bổ "
                        "sung nhưng chưa thông báo kịp thời cho ông; Cục Thuế xin lỗi ông về sự "
                        "chậm trễ này.", after=25,
        ).approve("cuc-thue", after=30).publish().rate(sat)
        self.receive(
            "nuoc-yeu", at=self.ago(14, 13, 45), channel=ch.APP,
            title="Nước sinh hoạt yếu, không lên được bồn",
            content="Vào giờ cao điểm buổi sáng và chiều tối, nước máy tại khu phố 2, phường "
                    "Hiệp Ninh chảy rất yếu, không bơm lên được bồn chứa.",
            area="tn-hiep-ninh", location="Khu phố 2, phường Hiệp Ninh, thành phố Tây Ninh",
            reporter=("Kiều Văn Tín", "0966417352", "tin.kieu@example.com"),
        ).classify("cap-thoat-nuoc").dispatch("cap-thoat-nuoc").accept("cap-thoat-nuoc").submit(
            "cap-thoat-nuoc", "Công ty đã đo áp lực nước tại khu phố 2: áp lực đạt 1,2 bar, bảo "
                              "đảm quy chuẩn. Công ty đã súc xả đường ống nhánh để cải thiện "
                              "lưu lượng.",
        ).approve("cap-thoat-nuoc").publish().rate(
            uns, "Nước vẫn yếu vào giờ cao điểm.", after=240
        ).keep_result(
            "Đã phối hợp với Công ty xác minh lại: áp lực nước tại khu vực đạt quy chuẩn; nước "
            "yếu do nhiều hộ dùng máy bơm hút trực tiếp từ đường ống. Giữ nguyên kết quả trả "
            "lời và hướng dẫn người dân lắp bồn chứa trung gian.",
        ).rate(acc)
        self.receive(
            "cham-doi-so", at=self.ago(16, 9, 0), channel=ch.ZALO,
            title="Chậm cấp đổi giấy chứng nhận quyền sử dụng đất",
            content="Gia đình tôi nộp hồ sơ cấp đổi giấy chứng nhận quyền sử dụng đất tại Văn "
                    "phòng đăng ký đất đai chi nhánh Tân Biên đã quá hạn hẹn 20 ngày.",
            area="tbi-tt-tan-bien", location="Thị trấn Tân Biên, huyện Tân Biên",
            reporter=("Hà Văn Thuận", "0912648537", "thuan.ha@example.com"),
        ).classify("dat-dai-xay-dung").dispatch("so-tnmt").accept("so-tnmt").extend(
            "so-tnmt", "Hồ sơ cần trích đo lại thửa đất do có sai lệch ranh giới so với bản đồ "
                       "địa chính; cần thêm thời gian phối hợp với chủ sử dụng đất liền kề.",
            days=4, after=2 * 480,
        ).submit(
            "so-tnmt", "Văn phòng đăng ký đất đai chi nhánh Tân Biên đã hoàn thành trích đo và "
                       "cấp đổi giấy chứng nhận; đề nghị ông đến bộ phận một cửa huyện Tân Biên "
                       "nhận kết quả.", after=3 * 480,
        ).approve("so-tnmt").publish().rate(sat)
        self.receive(
            "phong-kham", at=self.ago(9, 14, 20), channel=ch.WEB,
            title="Phòng khám tư nhân hoạt động không có giấy phép",
            content="Một phòng khám tư nhân tại thị trấn Châu Thành quảng cáo chữa nhiều loại "
                    "bệnh, bán thuốc không rõ nguồn gốc, nghi không có giấy phép hoạt động.",
            area="ct-tt-chau-thanh", location="Thị trấn Châu Thành, huyện Châu Thành",
            reporter=("Lưu Thị Xuân", "0973851264", "xuan.luu@example.com"),
        ).classify("y-te").dispatch("so-yte").accept("so-yte").submit(
            "so-yte", "Thanh tra Sở Y tế đã kiểm tra, xác định cơ sở không có giấy phép hoạt "
                      "động khám bệnh, chữa bệnh; đã xử phạt vi phạm hành chính, tịch thu thuốc "
                      "không rõ nguồn gốc và đình chỉ hoạt động của cơ sở.",
        ).approve("so-yte").publish().rate(sat)
        self.receive(
            "phong-hoc-xuong-cap", at=self.ago(12, 16, 10), channel=ch.EMAIL,
            title="Đề nghị sửa chữa phòng học xuống cấp",
            content="Nhiều phòng học của điểm trường tiểu học ở thị trấn Tân Biên bị thấm dột, "
                    "trần nhà bong tróc, có nguy cơ rơi xuống khi học sinh đang học.",
            area="tbi-tt-tan-bien", location="Thị trấn Tân Biên, huyện Tân Biên",
            reporter=("Nông Thị Hà", "0945172836", "ha.nong@example.com"),
        ).classify("giao-duc").dispatch("so-gddt").accept("so-gddt").submit(
            "so-gddt", "Sở đã phối hợp UBND huyện Tân Biên kiểm tra; tạm ngưng sử dụng 3 phòng "
                       "học xuống cấp và bố trí kinh phí sửa chữa, dự kiến hoàn thành trong kỳ "
                       "nghỉ Tết.",
        ).approve("so-gddt").publish().rate(acc)

        # --- Reopened: an unsatisfied rating waits for the coordinator -------------------------
        self.receive(
            "gia-suc", at=self.ago(9, 10, 0), channel=ch.WEB,
            title="Thả rông gia súc trên đường gây mất an toàn giao thông",
            content="Đàn bò được thả rông trên đường Gia Lộc vào buổi chiều, nhiều lần gây va "
                    "chạm với xe máy.",
            area="tb-gia-loc", location="Phường Gia Lộc, thị xã Trảng Bàng",
            reporter=("Thái Văn Hào", "0928537461", "hao.thai@example.com"),
        ).classify("trat-tu-do-thi").dispatch("ubnd-trang-bang").accept("ubnd-trang-bang").submit(
            "ubnd-trang-bang", "UBND phường Gia Lộc đã mời các hộ chăn nuôi làm việc, yêu cầu ký "
                               "cam kết không thả rông gia súc trên đường.",
        ).approve("ubnd-trang-bang").publish().rate(
            uns, "Tình trạng thả rông bò vẫn tiếp diễn vào buổi chiều."
        )
