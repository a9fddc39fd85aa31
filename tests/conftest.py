"""Shared fixtures: the people of a small province and cases driven by the real services."""

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings as hypothesis_settings

from config.generations import bump
from routing import choices, recipients
from routing.models import Membership, ProvinceRole
from routing.selectors import actor_for
from tests.factories import CategoryFactory, UnitFactory, member, province_user
from workflow import queue_cache, services
from workflow.models import Case
from workflow.worktime import invalidate_calendar

HCM = ZoneInfo("Asia/Ho_Chi_Minh")

# In CI the property-based tests draw the same examples every run, so main stays green or
# red for a reason; locally they explore new examples each time.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def at(*args: int) -> datetime:
    """A local instant in Asia/Ho_Chi_Minh."""
    return datetime(*args, tzinfo=HCM)


# Monday 2 March 2026, 08:00: an ordinary working week with no holiday in it.
MONDAY = at(2026, 3, 2, 8, 0)


class Province:
    """A coordinator, a supervisor and two units, each with a staff member and a leader."""

    def __init__(self) -> None:
        self.roads = UnitFactory(name="Sở Giao thông vận tải", code="roads")
        self.power = UnitFactory(name="Điện lực Tây Ninh", code="power", processing_days=3,
                                 kind="enterprise")
        self.other = UnitFactory(name="UBND huyện Châu Thành", code="chau-thanh", kind="local")
        self.lighting = CategoryFactory(name="Chiếu sáng công cộng", code="lighting",
                                        needs_photos=True)
        self.permits = CategoryFactory(name="Thủ tục hành chính", code="permits")
        self.coordinator_user = province_user(ProvinceRole.Role.COORDINATOR, username="coord")
        self.supervisor_user = province_user(ProvinceRole.Role.SUPERVISOR, username="super")
        self.roads_staff_user = member(self.roads, username="roads-staff")
        self.roads_leader_user = member(self.roads, Membership.Role.LEADER,
                                        username="roads-leader")
        self.power_staff_user = member(self.power, username="power-staff")
        self.power_leader_user = member(self.power, Membership.Role.LEADER,
                                        username="power-leader")
        self.other_staff_user = member(self.other, username="other-staff")

    @property
    def coordinator(self):
        return actor_for(self.coordinator_user)

    @property
    def supervisor(self):
        return actor_for(self.supervisor_user)

    @property
    def roads_staff(self):
        return actor_for(self.roads_staff_user)

    @property
    def roads_leader(self):
        return actor_for(self.roads_leader_user)

    @property
    def power_staff(self):
        return actor_for(self.power_staff_user)

    @property
    def power_leader(self):
        return actor_for(self.power_leader_user)

    @property
    def other_staff(self):
        return actor_for(self.other_staff_user)

    def receive(self, now: datetime = MONDAY, **kwargs) -> Case:
        fields = {
            "channel": Case.Channel.WEB,
            "title": "Đèn đường hỏng trên đường 30/4",
            "content": "Ba bóng đèn đường trước số 12 không sáng từ tuần trước.",
            "reporter_name": "Nguyễn Văn An",
            "reporter_phone": "0912345678",
            "reporter_email": "an@example.vn",
        }
        fields.update(kwargs)
        return services.receive_case(now=now, **fields)


@pytest.fixture(autouse=True)
def fresh_working_calendar():
    """The calendar is cached per process; a test's calendar rows vanish with its transaction."""
    invalidate_calendar()
    yield
    invalidate_calendar()



def cache_down(settings) -> None:
    """The cache pointed at a port nothing listens on, failing fast: what a Redis outage
    looks like to the pages (SECURITY RE1)."""
    settings.CACHES = {"default": {
        "BACKEND": "config.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }}

KEPT_GENERATIONS = (choices.GENERATION_KEY, recipients.GENERATION_KEY,
                    queue_cache.GENERATION_KEY)


@pytest.fixture(autouse=True)
def fresh_choices():
    """The staff forms' lists of categories and units (routing.choices), the coordinators
    told of new cases (routing.recipients) and the staff's home queues (workflow.queue_cache)
    are kept in the cache under generations; a test's rows vanish with its transaction,
    which no signal announces, so each test starts new generations."""
    for key in KEPT_GENERATIONS:
        bump(key)
    yield
    for key in KEPT_GENERATIONS:
        bump(key)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs a third of a second per user; tests make many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """With DEBUG off the manifest storage needs collectstatic; pages under test need URLs."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def province(db) -> Province:
    return Province()
