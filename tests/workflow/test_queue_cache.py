"""The staff's home queues kept in the cache for their minute (workflow.queue_cache)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from routing.models import ProvinceRole
from tests.conftest import MONDAY, cache_down
from tests.factories import province_user
from tests.workflow import drive, listed
from workflow import services
from workflow.models import Case

HOME = reverse("staff:home")


def home(client, user, query: str = "") -> str:
    client.force_login(user)
    response = client.get(f"{HOME}{query}")
    assert response.status_code == 200
    return response.content.decode()


def renamed_unannounced(case, title: str) -> None:
    """A bulk update, which no signal announces (as the deadline sweep's): a kept queue
    still shows the old title until its minute is over."""
    Case.objects.filter(pk=case.pk).update(title=title)


def test_a_coordinators_queue_is_read_once_then_served_to_every_coordinator(client,
                                                                            province):
    case = province.receive(title="Tiêu đề ban đầu")
    assert listed.codes(home(client, province.coordinator_user)) == [case.display_code]
    renamed_unannounced(case, "Tiêu đề đã đổi")
    colleague = province_user(ProvinceRole.Role.COORDINATOR, username="coord-2")
    html = home(client, colleague)
    assert listed.codes(html) == [case.display_code]
    assert "Tiêu đề ban đầu" in html and "Tiêu đề đã đổi" not in html


def test_a_new_case_shows_on_the_next_page(client, province):
    first = province.receive(title="Phản ánh thứ nhất")
    home(client, province.coordinator_user)
    second = province.receive(title="Phản ánh thứ hai")
    assert set(listed.codes(home(client, province.coordinator_user))) == {
        first.display_code, second.display_code}


def test_a_dispatched_case_leaves_the_coordinators_queue_and_enters_the_units_inbox(
        client, province):
    case = drive.classified(province, MONDAY)
    assert listed.codes(home(client, province.coordinator_user)) == [case.display_code]
    assert listed.codes(home(client, province.roads_staff_user)) == []
    services.dispatch_case(case_id=case.pk, unit_ids=[province.roads.pk],
                           actor=province.coordinator, now=MONDAY)
    assert listed.codes(home(client, province.coordinator_user)) == []
    assert listed.codes(home(client, province.roads_staff_user)) == [case.display_code]


def test_a_units_inbox_is_never_served_to_another_unit(client, province):
    roads = drive.assigned(province, MONDAY, units=[province.roads])
    power = drive.assigned(province, MONDAY, units=[province.power])
    assert listed.codes(home(client, province.roads_staff_user)) == [roads.display_code]
    assert listed.codes(home(client, province.power_staff_user)) == [power.display_code]
    assert listed.codes(home(client, province.roads_staff_user)) == [roads.display_code]


def test_each_filter_and_page_is_kept_apart(client, province):
    web = province.receive(channel="web")
    hotline = province.receive(channel="hotline")
    home(client, province.coordinator_user)
    assert listed.codes(home(client, province.coordinator_user, "?channel=hotline")) == [
        hotline.display_code]
    assert listed.codes(home(client, province.coordinator_user, "?channel=web")) == [
        web.display_code]


def test_the_next_minute_writes_the_queue_again_with_the_time_left(client, province,
                                                                  monkeypatch):
    case = province.receive(title="Tiêu đề ban đầu")
    home(client, province.coordinator_user)
    renamed_unannounced(case, "Tiêu đề đã đổi")
    assert "Tiêu đề ban đầu" in home(client, province.coordinator_user)
    a_minute_later = timezone.now() + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: a_minute_later)
    assert "Tiêu đề đã đổi" in home(client, province.coordinator_user)


def test_the_english_page_is_kept_apart_from_the_vietnamese(client, province):
    province.receive()
    vietnamese = home(client, province.coordinator_user)
    client.cookies["django_language"] = "en"
    english = home(client, province.coordinator_user)
    assert "Đã tiếp nhận" in vietnamese
    assert "Đã tiếp nhận" not in english and "Received" in english


def test_with_the_cache_down_the_queue_is_read_from_the_database(client, province, settings):
    cache_down(settings)
    case = province.receive()
    for _ in range(2):
        assert listed.codes(home(client, province.coordinator_user)) == [case.display_code]
