"""The filters every staff list offers: by state, category, channel, unit, deadline and
dates, combined, kept in the page links, and a value that does not clean left out."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import MONDAY, at
from tests.workflow import drive, listed
from workflow.views import lists

HOME = reverse("staff:home")


def page(client, user, url: str = HOME, **headers) -> str:
    client.force_login(user)
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


# --- Filters on every list -----------------------------------------------------------------------
def codes(client, user, query: str, url: str = HOME) -> set[str]:
    client.force_login(user)
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    return set(listed.codes(response.content.decode()))


def test_the_category_filter_narrows_the_queue(client, province):
    permits = drive.classified(province, MONDAY)  # drive classifies as permits
    other = province.receive()
    found = codes(client, province.coordinator_user, f"category={province.permits.pk}")
    assert permits.display_code in found
    assert other.display_code not in found


def test_the_channel_filter_narrows_the_queue(client, province):
    web = province.receive()
    hotline = province.receive(channel="hotline")
    found = codes(client, province.coordinator_user, "channel=hotline")
    assert found == {hotline.display_code}
    assert web.display_code not in found


def test_the_unit_filter_narrows_the_supervisors_list(client, province):
    roads = drive.assigned(province, MONDAY, units=[province.roads])
    power = drive.assigned(province, MONDAY, units=[province.power])
    found = codes(client, province.supervisor_user, f"unit={province.power.pk}")
    assert found == {power.display_code}
    assert roads.display_code not in found


def test_the_overdue_filter_splits_the_queue(client, province):
    late = province.receive(now=MONDAY)  # due at noon on 2 March 2026, long past
    on_time = province.receive(now=at(2099, 3, 2, 8, 0))
    assert codes(client, province.coordinator_user, "overdue=yes") == {late.display_code}
    assert codes(client, province.coordinator_user, "overdue=no") == {on_time.display_code}


def test_the_overdue_filter_reads_the_units_own_deadline(client, province):
    late = drive.assigned(province, MONDAY)  # one working day to accept: long past
    on_time = drive.assigned(province, at(2099, 3, 2, 8, 0))
    assert codes(client, province.roads_staff_user, "overdue=yes") == {late.display_code}
    assert codes(client, province.roads_staff_user, "overdue=no") == {on_time.display_code}


def test_the_date_range_keeps_whole_local_days(client, province):
    before = province.receive(now=at(2026, 3, 1, 23, 59))
    first = province.receive(now=at(2026, 3, 2, 0, 0))
    last = province.receive(now=at(2026, 3, 3, 23, 59))
    after = province.receive(now=at(2026, 3, 4, 0, 0))
    found = codes(client, province.coordinator_user,
                  "received_from=2026-03-02&received_to=2026-03-03")
    assert found == {first.display_code, last.display_code}
    assert not found & {before.display_code, after.display_code}


def test_filters_combine(client, province):
    wanted = province.receive(channel="hotline", now=at(2026, 3, 2, 9, 0))
    province.receive(channel="hotline", now=at(2026, 3, 5, 9, 0))
    province.receive(channel="web", now=at(2026, 3, 2, 9, 0))
    found = codes(client, province.coordinator_user,
                  "channel=hotline&received_from=2026-03-02&received_to=2026-03-02&overdue=yes")
    assert found == {wanted.display_code}


@pytest.mark.parametrize("query", [
    "category=abc", "category=999999", "unit=x", "channel=pigeon", "overdue=maybe",
    "received_from=2026-02-30", "received_to=yesterday", "state=%00",
    "received_from=2026-03-05&received_to=2026-03-01", "received_from=99999-01-01",
])
def test_a_filter_value_that_does_not_clean_is_left_out_with_a_message(client, province, query):
    received = province.receive(now=at(2026, 3, 2, 9, 0))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(province.coordinator_user)
    response = client.get(f"{HOME}?{query}")
    assert response.status_code == 200
    assert received.display_code in response.content.decode()
    assert "Some filters were not understood" in response.content.decode()


def test_a_valid_filter_is_kept_when_another_is_left_out(client, province):
    hotline = province.receive(channel="hotline")
    web = province.receive()
    found = codes(client, province.coordinator_user, "channel=hotline&overdue=maybe")
    assert hotline.display_code in found
    assert web.display_code not in found


def test_the_filters_are_kept_in_the_page_links(client, province, monkeypatch):
    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    for _i in range(3):
        province.receive(channel="hotline")
    client.force_login(province.coordinator_user)
    html = client.get(f"{HOME}?channel=hotline&overdue=yes&received_from=2026-03-01")
    next_url = listed.next_url(html.content.decode(), "coordinator")
    assert next_url == "?channel=hotline&overdue=yes&received_from=2026-03-01&page=2"
    assert len(listed.codes(client.get(f"{HOME}{next_url}").content.decode())) == 1


def test_the_filter_form_shows_date_inputs_and_the_chosen_values(client, province):
    province.receive()
    html = page(client, province.coordinator_user,
                f"{HOME}?channel=hotline&received_from=2026-03-02")
    assert 'type="date"' in html
    assert 'name="received_from" value="2026-03-02"' in html
    assert '<option value="hotline" selected>' in html
