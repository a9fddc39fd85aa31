"""The public search reads search documents that triggers keep with the cases, in the same
transaction (migration 0003): a case that stops being public leaves the search at once."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse

from publishing.models import SearchDocument
from publishing.selectors import (
    AnswerFilters,
    filter_public_cases,
)
from publishing.text import search_words, words_query
from routing.selectors import REPORTER
from tests.conftest import MONDAY
from tests.workflow import drive
from workflow import services
from workflow.models import Case

pytestmark = pytest.mark.django_db

ANSWERS = reverse("publishing:answers")


def found(q: str) -> list[str]:
    return [case.title for case in filter_public_cases(AnswerFilters(q=q))]


def test_a_search_is_words_without_diacritics_or_punctuation():
    assert search_words("Đường,ngập!! (sâu) 1.5m") == ["duong", "ngap", "sau", "1", "5m"]
    assert words_query(search_words("ổ gà")) == "o & ga"
    with connection.cursor() as cursor:
        cursor.execute("SELECT publishing_search_document(%s, %s, NULL)::text", ["Ổ gà", "Rò-rỉ"])
        assert cursor.fetchone() == ("'ga' 'o' 'ri' 'ro'",)


def test_every_word_typed_is_a_word_of_the_answer(province):
    drive.published(province, MONDAY, title="Đường ngập sâu ở phường 3",
                    content="Mưa lớn, nước ngập nửa mét (1.5m).")
    drive.published(province, MONDAY + timedelta(hours=1), title="Cây xanh ngã đổ",
                    content="Cây đổ chắn lối đi.")

    assert found("duong ngap") == ["Đường ngập sâu ở phường 3"]
    assert found("NGẬP, đường!") == ["Đường ngập sâu ở phường 3"]
    assert found("1.5m") == ["Đường ngập sâu ở phường 3"]
    assert found("nga") == ["Cây xanh ngã đổ"]  # the word "ngã", not the start of "ngập"
    assert found("uong") == []
    assert found("duong cay") == []


def test_the_newest_answer_comes_first(province):
    drive.published(province, MONDAY, title="Đèn đường hỏng cũ")
    drive.published(province, MONDAY + timedelta(hours=1), title="Đèn đường hỏng mới")

    assert found("den duong") == ["Đèn đường hỏng mới", "Đèn đường hỏng cũ"]


def test_a_published_public_case_has_a_document_and_others_have_none(province):
    public = drive.published(province, MONDAY, title="Ổ gà giữa đường")
    approved = drive.approved(province, MONDAY, title="Ổ gà chưa trả lời")
    private = services.publish_case(case_id=drive.approved(province, MONDAY).pk,
                                    visibility="confidential", reply_text="Trả lời.",
                                    actor=province.coordinator, now=MONDAY + timedelta(hours=1))

    assert list(SearchDocument.objects.values_list("case_id", flat=True)) == [public.pk]
    assert approved.pk and private.is_confidential


def test_a_case_made_confidential_leaves_the_search_in_the_same_transaction(province):
    case = drive.published(province, MONDAY, title="Rác thải bốc mùi")
    assert found("rac thai") == ["Rác thải bốc mùi"]

    Case.objects.filter(pk=case.pk).update(is_confidential=True)

    assert not SearchDocument.objects.filter(case_id=case.pk).exists()
    assert found("rac thai") == []


def test_a_reopened_case_leaves_the_search_and_a_changed_reply_is_searched(province):
    case = drive.published(province, MONDAY, title="Nước đục kéo dài",
                           content="Nước máy có màu vàng.")
    Case.objects.filter(pk=case.pk).update(reply_text="Đã thay đường ống cấp nước.")
    assert found("duong ong") == ["Nước đục kéo dài"]

    services.reopen_case(case_id=case.pk, actor=REPORTER, now=MONDAY + timedelta(days=2))

    assert found("nuoc duc") == []


def test_a_deleted_case_takes_its_document_with_it(province):
    case = drive.published(province, MONDAY, title="Karaoke ồn ào")
    with transaction.atomic():  # undone before the keys of its events are checked
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM workflow_case WHERE id = %s", [case.pk])

        assert not SearchDocument.objects.filter(case_id=case.pk).exists()
        transaction.set_rollback(True)


def test_the_search_page_finds_an_answer_typed_without_diacritics(client, province):
    drive.published(province, MONDAY, title="Mất điện cả khu phố")

    html = client.get(f"{ANSWERS}?q=mat+dien").content.decode()

    assert "Mất điện cả khu phố" in html


@pytest.mark.django_db(transaction=True)
def test_the_documents_are_emptied_with_the_cases_when_a_test_database_is_flushed(province):
    drive.published(province, MONDAY, title="Vỉa hè bị lấn chiếm")

    # The flush after this test truncates both tables at once; the foreign key allows it.
    assert found("via he") == ["Vỉa hè bị lấn chiếm"]


def test_a_search_between_dates_finds_only_the_answers_published_between_them(
        client, province):
    drive.published(province, MONDAY, title="Đèn đường hỏng đầu tuần")
    drive.published(province, MONDAY + timedelta(days=3), title="Đèn đường hỏng cuối tuần")

    html = client.get(ANSWERS, {"q": "den duong", "published_from": "2026-03-04"}
                      ).content.decode()

    assert "Đèn đường hỏng cuối tuần" in html
    assert "Đèn đường hỏng đầu tuần" not in html


def test_a_search_within_a_unit_finds_only_that_units_answers(client, province):
    drive.published(province, MONDAY, title="Giấy phép xây dựng nhà ở")  # answered by roads

    def search(unit) -> str:
        return client.get(ANSWERS, {"q": "giay phep", "unit": unit.pk}).content.decode()

    assert "Giấy phép xây dựng nhà ở" in search(province.roads)
    assert "Giấy phép xây dựng nhà ở" not in search(province.power)
