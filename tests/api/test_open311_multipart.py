"""An Open311 POST in a multipart body: a part may end with its headers, no blank line and no
body (RFC 2046; Werkzeug writes every empty value so). That is an empty value, and it wins
over the query string like any value in the body."""

import pytest

from tests.api.open311_support import BASE
from tests.api.support import body_json, issue_key
from tests.api.test_multipart import body, part, post_multipart
from workflow.models import Case

pytestmark = pytest.mark.django_db

FIELDS = {"service_code": "permits", "lat": "11.31", "long": "106.09",
          "description": "Ổ gà lớn giữa đường 30/4.", "first_name": "Lan",
          "phone": "0912345678", "email": "lan@example.vn"}


def test_a_multipart_body_is_read_like_a_form_body(client, province):
    payload = body(*(part(name, value) for name, value in FIELDS.items()))
    response = post_multipart(client, f"{BASE}/requests.json?api_key={issue_key()}", payload)
    assert response.status_code == 200, response.content
    assert Case.objects.get().content == "Ổ gà lớn giữa đường 30/4."


def test_an_empty_description_without_a_body_is_empty_not_taken_from_the_query(
        client, province):
    payload = body(*(part(name, None if name == "description" else value)
                     for name, value in FIELDS.items()))
    url = f"{BASE}/requests.json?api_key={issue_key()}&description=From+the+query"
    response = post_multipart(client, url, payload)
    assert response.status_code == 400, response.content
    assert body_json(response) == [{"code": 400, "description": "description is required."}]
    assert not Case.objects.exists()


def test_an_empty_address_without_a_body_keeps_no_address_from_the_query(client, province):
    payload = body(*(part(name, value) for name, value in FIELDS.items()),
                   part("address_string", None))
    url = f"{BASE}/requests.json?api_key={issue_key()}&address_string=From+the+query"
    response = post_multipart(client, url, payload)
    assert response.status_code == 200, response.content
    assert Case.objects.get().location_text == ""

