"""Public pages from the cache: never stale where it matters, never another visitor's token
or cookie, and nothing but public cases (SECURITY DP3, DP4, RE1)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.pagination import BoundedPaginator
from publishing.selectors import public_cases
from routing.selectors import REPORTER
from tests.conftest import MONDAY, cache_down
from tests.workflow import drive
from workflow import services
from workflow.models import Case

pytestmark = pytest.mark.django_db

HOME = reverse("publishing:home")
ANSWERS = reverse("publishing:answers")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page_of(case) -> str:
    return reverse("publishing:answer", args=[case.pk])


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_an_answer_kept_as_a_list_item_shows_its_new_category_name(client, province):
    case = drive.published(province, MONDAY, title="Cống thoát nước bị tắc")  # permits
    search = f"{ANSWERS}?q=cong+thoat"
    assert "Thủ tục hành chính" in html(client, search)
    province.permits.name = "Thủ tục hành chính công"
    province.permits.save()

    item = html(client, search).split('class="answer-item"')[1]

    assert case.title in item and "Thủ tục hành chính công" in item


def test_a_renamed_unit_is_offered_under_its_new_name_at_the_next_search(client, province):
    drive.published(province, MONDAY, title="Cống thoát nước")
    search = f"{ANSWERS}?q=cong"
    assert "Phòng Hạ tầng mới" not in html(client, search)
    unit = province.roads
    unit.name = "Phòng Hạ tầng mới"
    unit.save()

    assert f'<option value="{unit.pk}">Phòng Hạ tầng mới</option>' in html(client, search)


def test_a_publication_changes_the_cached_list_and_home(client, province):
    drive.published(province, MONDAY, title="Câu hỏi cũ")
    for url in (ANSWERS, HOME):
        assert "Câu hỏi mới" not in html(client, url)

    drive.published(province, MONDAY + timedelta(days=1), title="Câu hỏi mới")

    for url in (ANSWERS, HOME):
        assert "Câu hỏi mới" in html(client, url)


def test_a_change_to_a_published_case_changes_its_cached_page(client, province):
    case = drive.published(province, MONDAY, title="Cây xanh nghiêng")
    html(client, page_of(case))

    # A save that no signal announces still changes updated_at, and with it the key.
    Case.objects.filter(pk=case.pk).update(title="Cây xanh đã được chằng chống",
                                           updated_at=timezone.now())

    assert "Cây xanh đã được chằng chống" in html(client, page_of(case))


def test_a_renamed_unit_shows_on_the_cached_pages(client, province):
    case = drive.published(province, MONDAY, title="Đèn đường không sáng")
    for url in (page_of(case), ANSWERS):
        assert "Sở Giao thông vận tải" in html(client, url)

    province.roads.name = "Sở Xây dựng và Giao thông"
    province.roads.save()

    for url in (page_of(case), ANSWERS):
        assert "Sở Xây dựng và Giao thông" in html(client, url)


def test_a_reopened_case_leaves_its_cached_page_and_the_list(client, province):
    case = drive.published(province, MONDAY, title="Rác thải tồn đọng")
    for url in (page_of(case), ANSWERS, HOME):
        assert "Rác thải tồn đọng" in html(client, url)

    services.reopen_case(case_id=case.pk, actor=REPORTER, now=MONDAY + timedelta(days=1))

    assert client.get(page_of(case)).status_code == 404
    for url in (ANSWERS, HOME):
        assert "Rác thải tồn đọng" not in html(client, url)


def test_a_case_that_stops_being_public_is_never_served_from_the_cache(client, province):
    case = drive.published(province, MONDAY, title="Tiêu đề sắp thành bí mật Zk9")
    for url in (page_of(case), ANSWERS, HOME):
        assert "Zk9" in html(client, url)

    # Even a change that no signal sees, with the cache none the wiser.
    Case.objects.filter(pk=case.pk).update(is_state_secret=True)

    assert client.get(page_of(case)).status_code == 404
    for url in (ANSWERS, HOME):
        assert "Zk9" not in html(client, url)


def test_no_visitor_is_served_another_visitors_csrf_token(province):
    case = drive.published(province, MONDAY)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

    tokens = []
    for visitor in (first, second):
        response = visitor.get(page_of(case))
        assert settings.CSRF_COOKIE_NAME in response.cookies  # its own, set on the response
        tokens.append(TOKEN.search(response.content.decode())[1])

    assert tokens[0] != tokens[1]
    # Each token works with its own visitor's cookie: the language switch still posts.
    for visitor, token in zip((first, second), tokens, strict=True):
        response = visitor.post(reverse("set_language"),
                                {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
        assert response.status_code == 302


def test_the_cached_pages_vary_on_the_cookie_and_the_language(client, province):
    case = drive.published(province, MONDAY)
    html(client, page_of(case))
    response = client.get(page_of(case))
    assert "Cookie" in response["Vary"]

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(page_of(case))

    assert english["Content-Language"] == "en"
    assert 'lang="en"' in english.content.decode()


def test_a_visitor_with_a_session_is_neither_served_nor_stored(client, province,
                                                               django_assert_max_num_queries):
    case = drive.published(province, MONDAY)
    client.force_login(province.coordinator_user)
    cache.clear()
    html(client, page_of(case))
    html(client, page_of(case))

    anonymous = Client()
    # Nothing the signed-in visitor saw was stored: the first anonymous visit reads afresh.
    with django_assert_max_num_queries(10) as miss:
        html(anonymous, page_of(case))
    assert len(miss) > 1


def test_the_pages_are_served_when_the_cache_is_down(client, province, settings):
    case = drive.published(province, MONDAY, title="Ngập nước sau mưa")
    cache_down(settings)

    for url in (page_of(case), page_of(case), ANSWERS, HOME, f"{ANSWERS}?q=ngap"):
        assert "Ngập nước sau mưa" in html(client, url)
    drive.published(province, MONDAY + timedelta(days=1), title="Đèn đường không sáng")
    assert "Đèn đường không sáng" in html(client, ANSWERS)


def test_deep_pages_dates_and_odd_queries_are_not_cached(client, province,
                                                         django_assert_max_num_queries):
    drive.published(province, MONDAY, title="Câu hỏi")
    for url in (f"{ANSWERS}?page=6", f"{ANSWERS}?published_from=2026-03-01",
                f"{ANSWERS}?category=1&unit=2", f"{ANSWERS}?utm=x", f"{HOME}?utm=x",
                f"{ANSWERS}?category=999999", f"{ANSWERS}?page=²"):
        html(client, url)
        with django_assert_max_num_queries(10) as again:
            html(client, url)
        assert len(again) > 1, url


def test_a_long_list_is_counted_only_as_far_as_it_needs(province):
    for n in range(3):
        drive.published(province, MONDAY + timedelta(hours=n))
    cases = public_cases().order_by("-published_at")

    capped = BoundedPaginator(cases, 1, limit=2, page_number=1)
    exact = BoundedPaginator(cases, 1, limit=5, page_number=1)
    far = BoundedPaginator(cases, 1, limit=2, page_number=3)

    assert (capped.count, capped.is_capped) == (2, True)
    assert (exact.count, exact.is_capped) == (3, False)
    assert (far.count, far.is_capped) == (3, False)  # counted far enough for the page asked


def test_a_capped_list_says_more_than_and_still_offers_the_next_page(client, province,
                                                                     monkeypatch):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for n in range(3):
        drive.published(province, MONDAY + timedelta(hours=n), title=f"Câu hỏi {n}")
    monkeypatch.setattr("publishing.selectors.PAGE_SIZE", 1)
    monkeypatch.setattr("publishing.selectors.SEARCH_COUNT_LIMIT", 2)

    page = html(client, f"{ANSWERS}?q=cau+hoi&page=2")

    assert "More than 2 answers" in page
    assert "Câu hỏi 1" in page  # newest first, read in order: the second newest on page 2
    assert "page=3" in page


def test_the_chosen_filters_stay_selected_in_their_lists(client, province):
    drive.published(province, MONDAY, title="Câu hỏi")

    page = html(client, f"{ANSWERS}?q=cau&unit={province.roads.pk}")

    assert f'<option value="{province.roads.pk}" selected>Sở Giao thông vận tải</option>' in page
    assert '<option value="" selected>' in page  # the category and area: all
    assert '<select name="category" id="id_category">' in page
