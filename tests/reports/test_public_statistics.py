"""The public statistics page (issue 4): this month and this year, counts only, cached (its
queries' ceiling is in tests/performance/test_reports.py)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from feedback import services as feedback
from reports.statistics import public as statistics
from tests.conftest import MONDAY, at
from tests.feedback.support import public_isolation  # noqa: F401 — a fixture
from tests.workflow import drive
from workflow import services

pytestmark = pytest.mark.django_db

STATISTICS = reverse("reports_public:statistics")
CONFIDENTIAL_TITLE = "Tiêu đề kín Qx7 mật danh"
SECRET_TITLE = "Bí mật nhà nước Zk9 kho vũ khí"
JANUARY = at(2026, 1, 12, 8, 0)


@pytest.fixture(autouse=True)
def in_march(monkeypatch, public_isolation):  # noqa: F811
    """The page read in March 2026, the month of MONDAY, from a cache of the test's own (as
    in tests/publishing)."""
    monkeypatch.setattr(statistics, "today", lambda: MONDAY.date())


def publish_as(province, visibility, now=MONDAY, **kwargs):
    case = drive.approved(province, now, **kwargs)
    return services.publish_case(case_id=case.pk, visibility=visibility, reply_text="Trả lời.",
                                 actor=province.coordinator, now=now + timedelta(hours=1))


def rate(case, value, now):
    feedback.rate_case(case_id=case.pk, value=value, now=now + timedelta(days=1))


@pytest.fixture
def cases(province):
    public = drive.published(province, MONDAY, title="Cống thoát nước bị tắc")
    confidential = publish_as(province, "confidential", title=CONFIDENTIAL_TITLE,
                              is_confidential=True, reporter_name="Người Kín Đáo Qx7")
    secret = publish_as(province, "state_secret", title=SECRET_TITLE)
    province.receive(now=MONDAY + timedelta(hours=2), title="Hố ga mất nắp Wq3")
    january = drive.published(province, JANUARY, title="Ổ gà tháng Giêng")
    rate(public, "satisfied", MONDAY)
    rate(confidential, "accepted", MONDAY)
    rate(january, "unsatisfied", JANUARY)
    return {"public": public, "confidential": confidential, "secret": secret}


def test_figures_of_the_month_and_the_year_match_the_cases(client, province, cases):
    response = client.get(STATISTICS)
    assert response.status_code == 200
    month, year = response.context["periods"]
    assert (month.key, year.key) == ("month", "year")
    # Confidential and state-secret cases count like the others.
    assert (month.received, month.published, month.handled) == (4, 3, 3)
    assert (year.received, year.published, year.handled) == (5, 4, 4)
    # Rounded half-up to one decimal, as the staff reports, their PDF and workbook.
    assert month.on_time_rate == "100,0 %" and year.on_time_rate == "100,0 %"
    assert (month.rated, month.satisfaction_rate) == (2, "100,0 %")
    assert (year.rated, year.satisfaction_rate) == (3, "66,7 %")
    assert {r.label: r.count for r in month.categories} == {
        province.permits.name: 3, "Chưa phân loại": 1,  # the unclassified one
    }
    assert {r.label: r.count for r in year.categories}[province.permits.name] == 4
    [roads] = month.units
    assert (roads.name, roads.received, roads.handled, roads.on_time, roads.late) == (
        province.roads.name, 3, 3, 3, 0)
    assert roads.satisfaction_rate == "100,0 %"
    html = response.content.decode()
    assert province.roads.name in html and province.permits.name in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 4
    assert html.count("<caption>") == 4 and '<th scope="row">' in html


def test_no_case_is_named_and_no_personal_data_shows(client, province, cases):
    html = client.get(STATISTICS).content.decode()
    forbidden = [CONFIDENTIAL_TITLE, SECRET_TITLE, "Người Kín Đáo Qx7", "Nguyễn Văn An",
                 "0912345678", "Cống thoát nước bị tắc", "Hố ga mất nắp Wq3", "Ổ gà tháng Giêng"]
    for case in cases.values():
        forbidden += [case.tracking_code, case.display_code]
    for value in forbidden:
        assert value not in html, value


def test_anonymous_vietnamese_page_without_inline_code(client, province, cases):
    response = client.get(STATISTICS)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "<script>" not in html and "style=" not in html
    assert f'href="{STATISTICS}" aria-current="page"' in html
    assert f'href="{STATISTICS}"' in client.get(reverse("publishing:home")).content.decode()


def test_the_figures_are_kept_until_they_are_read_afresh(client, province, cases):
    assert client.get(STATISTICS).context["periods"][0].received == 4
    drive.assigned(province, MONDAY + timedelta(days=1), units=[province.power, province.other])
    drive.published(province, MONDAY + timedelta(days=2))
    assert client.get(STATISTICS).context["periods"][0].received == 4

    cache.clear()  # the ten minutes the figures are kept have passed
    month = client.get(STATISTICS).context["periods"][0]
    assert month.received == 6
    assert {u.name for u in month.units} == {
        province.roads.name, province.power.name, province.other.name}


def test_an_empty_period_still_renders(client, province):
    response = client.get(STATISTICS)
    assert response.status_code == 200
    assert response.context["periods"][0].on_time_rate == "–"
