"""Property-based, the citizen's web pages (SECURITY IN3, IN5): every text field of the
submit, track, comment, rating, one-time-code and personal-data forms with NUL, bidi and
format characters, and numbers beyond 64 bits, answers without a 500 and stores clean text.
(A browser cannot send a lone surrogate: the form's bytes are UTF-8.)"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback.models import Comment, Rating
from tests.conftest import MONDAY
from tests.feedback.support import send, submission, track
from tests.properties import FORM_VALUE, PROPERTY, assert_clean, assert_no_server_error
from tests.workflow import drive
from workflow.models import Case, DataRequest

pytestmark = pytest.mark.django_db

SUBMIT_FIELDS = ["title", "content", "category", "location_text", "occurred_at",
                 "reporter_name", "reporter_phone", "reporter_email", "reporter_address",
                 "is_confidential", "consent", "sms_updates", "email_updates",
                 "idempotency_key", "diacritics_confirmed", "legacy_confirmed"]


@PROPERTY
@given(changes=st.dictionaries(st.sampled_from(SUBMIT_FIELDS), FORM_VALUE, min_size=1,
                               max_size=5))
def test_the_submit_form_with_nasty_text_never_answers_500_and_stores_clean_text(
        client, changes):
    confirmed = submission(diacritics_confirmed="1", legacy_confirmed="1")
    response = send(client, {**confirmed, **changes})
    assert_no_server_error(response)
    for case in Case.objects.all():
        for name in ("title", "reporter_name", "reporter_phone", "reporter_email",
                     "reporter_address", "location_text"):
            assert_clean(getattr(case, name), short=True)
        assert_clean(case.content)


@pytest.fixture
def published(province):
    return drive.published(province, MONDAY)


@PROPERTY
@given(code=FORM_VALUE, phone=FORM_VALUE)
def test_the_track_form_with_nasty_text_never_answers_500(client, published, code, phone):
    assert_no_server_error(track(client, code, phone))


@PROPERTY
@given(body=FORM_VALUE, value=FORM_VALUE, note=FORM_VALUE)
def test_comments_and_ratings_with_nasty_text_never_answer_500_and_store_clean_text(
        client, published, body, value, note):
    track(client, published.display_code, "0912345678")
    assert_no_server_error(client.post("/tra-cuu/ket-qua/hoi-them/", {"body": body}))
    assert_no_server_error(client.post("/tra-cuu/ket-qua/danh-gia/",
                                       {"value": value, "note": note}))
    for comment in Comment.objects.all():
        assert_clean(comment.body)
    for rating in Rating.objects.all():
        assert_clean(rating.note)


@PROPERTY
@given(phone=FORM_VALUE, code=FORM_VALUE)
def test_the_one_time_code_forms_with_nasty_text_never_answer_500(client, published, phone,
                                                                   code):
    assert_no_server_error(client.post("/tra-cuu/ma-sms/", {"phone": phone}))
    assert_no_server_error(client.post("/tra-cuu/ma-sms/nhap/", {"code": code}))


@PROPERTY
@given(fields=st.dictionaries(st.sampled_from(
    ["tracking_code", "phone", "kind", "details", "reporter_name", "reporter_phone",
     "reporter_email", "reporter_address", "channel"]), FORM_VALUE, max_size=6))
def test_the_personal_data_request_form_with_nasty_text_never_answers_500(
        client, published, fields):
    form = {"tracking_code": published.display_code, "phone": "0912345678",
            "kind": "access", **fields}
    assert_no_server_error(client.post("/tra-cuu/du-lieu-ca-nhan/", form))
    for request in DataRequest.objects.all():
        assert_clean(request.details)
