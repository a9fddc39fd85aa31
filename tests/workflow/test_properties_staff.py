"""Property-based, the staff side (SECURITY IN3, IN5): every id in a URL beyond 64 bits
answers without a 500, and the staff forms with lone surrogates' replacements, NUL, bidi
and format characters answer without a 500 and store clean text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import MONDAY
from tests.properties import (
    FORM_TEXT,
    FORM_VALUE,
    HUGE_IDS,
    ID_ROUTES,
    PROPERTY,
    assert_clean,
    assert_no_server_error,
    with_id,
)
from tests.workflow import drive
from workflow.models import Case, CaseEvent

pytestmark = pytest.mark.django_db

def test_the_id_routes_are_found():
    assert "staff/cases/<int:pk>/" in ID_ROUTES
    assert "tep/<int:pk>/" in ID_ROUTES


@pytest.mark.parametrize("big", HUGE_IDS[:4])
def test_every_id_in_a_url_beyond_64_bits_answers_without_a_500(client, province, big):
    client.force_login(province.coordinator_user)
    for route in ID_ROUTES:
        path = with_id(route, big)
        for response in (client.get(path), client.post(path, {"note": "x"})):
            assert response.status_code < 500, (path, response.status_code)


ACTIONS = ["classify", "verify", "reject", "dispatch", "publish", "reprocess", "keep-result",
           "escalate", "mark-valuable", "abuse-list", "release"]
FIELDS = ["category", "is_state_secret", "reason", "note", "units", "instructions",
          "visibility", "reply_text", "kind", "value"]


def assert_case_clean(case: Case) -> None:
    for name in ("title", "reporter_name", "reporter_address", "location_text"):
        assert_clean(getattr(case, name), short=True)
    assert_clean(case.content)
    assert_clean(case.reply_text)
    for event in CaseEvent.objects.filter(case=case):
        assert_clean(event.note)


@PROPERTY
@given(action=st.sampled_from(ACTIONS),
       data=st.dictionaries(st.sampled_from(FIELDS), FORM_VALUE, min_size=1, max_size=5),
       valid_unit=st.booleans())
def test_the_coordinators_case_actions_with_nasty_text_never_answer_500(
        client, province, action, data, valid_unit):
    client.force_login(province.coordinator_user)
    case = province.receive()
    if valid_unit:
        data = {**data, "units": [str(province.roads.pk)], "category": str(province.permits.pk)}
    response = client.post(f"/staff/cases/{case.pk}/{action}/", data)
    assert_no_server_error(response)
    case.refresh_from_db()
    assert_case_clean(case)


@PROPERTY
@given(data=st.fixed_dictionaries({}, optional={
    name: FORM_TEXT for name in ("title", "content", "location_text", "reporter_name",
                                 "reporter_phone", "reporter_email", "reporter_address")}))
def test_the_hotline_form_with_nasty_text_never_answers_500_and_stores_clean_text(
        client, province, data):
    client.force_login(province.coordinator_user)
    form = {"title": "Đèn hỏng", "content": "Ba bóng đèn không sáng.", "reporter_name": "An",
            "reporter_phone": "0912345678", "idempotency_key": "k" * 32, **data}
    assert_no_server_error(client.post("/staff/hotline/", form))
    for case in Case.objects.all():
        assert_case_clean(case)


@PROPERTY
@given(query=st.dictionaries(st.sampled_from(["q", "state", "category", "unit", "channel",
                                              "overdue", "received_from", "received_to",
                                              "kind", "page", "find_units"]),
                             FORM_VALUE, max_size=5),
       page=st.sampled_from(["/staff/", "/staff/units/", "/staff/escalated/", "/staff/hold/",
                             "/staff/unit/", "/staff/data-requests/"]))
def test_the_staff_lists_with_nasty_filters_never_answer_500(client, province, query, page):
    client.force_login(province.coordinator_user)
    assert_no_server_error(client.get(page, query))


DRAFT_FIELDS = ["number", "date", "addressee", "body", "signer", "signer_title", "recipients",
                "reason", "expected_date", "note"]


@pytest.fixture
def processing(province):
    return drive.processing(province, MONDAY)


@PROPERTY
@given(action=st.sampled_from(["draft", "extend", "return"]),
       data=st.dictionaries(st.sampled_from(DRAFT_FIELDS), FORM_VALUE, min_size=1,
                            max_size=6))
def test_a_units_drafts_and_requests_with_nasty_text_never_answer_500_and_store_clean_text(
        client, province, processing, action, data):
    client.force_login(province.roads_staff_user)
    form = {"body": "Đơn vị đã xử lý.", "reason": "Cần thêm thời gian.", **data}
    assert_no_server_error(client.post(f"/staff/assignments/{processing.pk}/{action}/", form))
    for draft in processing.drafts.all():
        for name in ("number", "addressee", "signer", "signer_title"):
            assert_clean(getattr(draft, name), short=True)
        assert_clean(draft.body)
        assert_clean(draft.recipients)
    assert_case_clean(processing.case)
