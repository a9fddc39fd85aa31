"""Open311 GeoReport v2: discovery, services, requests (GET, POST), requests/{id}, tokens."""

import hashlib
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from feedback.models import ApiKey
from routing.models import Category
from tests.api.open311_support import BASE, open311_post
from tests.api.support import REPORTER_DATA, body_json, body_xml, issue_key, publish_existing
from tests.conftest import MONDAY
from tests.workflow import drive
from workflow import services
from workflow.models import Case

pytestmark = pytest.mark.django_db

# No media_url (no photo is under a public URL) and no expected_datetime (none is promised).
REQUEST_KEYS = {"service_request_id", "status", "status_notes", "service_name", "service_code",
                "description", "agency_responsible", "service_notice", "requested_datetime",
                "updated_datetime", "address", "address_id", "zipcode", "lat", "long"}
STUB_KEYS = {"service_request_id", "status", "status_notes", "service_name", "service_code",
             "agency_responsible", "requested_datetime", "updated_datetime"}


# --- Discovery and services ---------------------------------------------------------------
def test_discovery_names_the_georeport_v2_endpoint_in_both_formats(client):
    data = body_json(client.get(f"{BASE}/discovery.json"))
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = body_xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == \
        ["text/xml", "application/json"]


def test_services_lists_the_active_categories_as_realtime_services(client, province):
    Category.objects.create(code="retired", name="Lĩnh vực cũ", is_active=False)
    data = body_json(client.get(f"{BASE}/services.json"))
    assert [s["service_code"] for s in data] == ["lighting", "permits"]
    assert data[1] == {"service_code": "permits", "service_name": "Thủ tục hành chính",
                       "description": "", "metadata": True, "type": "realtime",
                       "keywords": "", "group": ""}
    root = body_xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == \
        ["lighting", "permits"]
    assert root.find("service/metadata").text == "true"  # the area attribute


def test_a_service_definition_asks_only_for_the_area_and_an_unknown_code_is_404(client,
                                                                             province):
    definition = body_json(client.get(f"{BASE}/services/permits.json"))
    assert definition["service_code"] == "permits"
    assert [a["code"] for a in definition["attributes"]] == ["area"]
    assert body_xml(client.get(f"{BASE}/services/permits.xml")).tag == "service_definition"
    response = client.get(f"{BASE}/services/nope.json")
    assert response.status_code == 404
    assert body_json(response) == [{"code": 404, "description": "No such service_code."}]
    root = body_xml(client.get(f"{BASE}/services/nope.xml"))
    assert root.tag == "errors" and root.findtext("error/code") == "404"


def test_a_foreign_jurisdiction_is_refused_and_ours_is_accepted(client, province):
    assert client.get(f"{BASE}/services.json?jurisdiction_id=tayninh.gov.vn").status_code == 200
    response = client.get(f"{BASE}/services.json?jurisdiction_id=hanoi.gov.vn")
    assert response.status_code == 404
    assert body_json(response)[0]["description"] == "Unknown jurisdiction_id."


# --- The client's round trip --------------------------------------------------------------------
def test_an_open311_client_posts_a_request_and_reads_it_back(client, province):
    key = issue_key()
    response = open311_post(client, key)
    assert response.status_code == 200
    [answer] = body_json(response)
    assert set(answer) == {"service_request_id", "service_notice"}
    case = Case.objects.get(pk=int(answer["service_request_id"]))
    assert case.channel == Case.Channel.OPEN311
    assert case.category.code == "permits"
    assert case.reporter_name == "Trần Thị Lan" and case.reporter_phone == "0987654321"
    assert case.title == "Ổ gà lớn giữa đường 30/4 gây nguy hiểm."
    assert str(case.latitude) == "11.310123" and case.location_text == "Đường 30/4, phường 1"
    assert "169.254" not in case.content  # the media_url is neither fetched nor kept

    # Not yet published: only its status, service, times and the responsible agency.
    [stub] = body_json(client.get(f"{BASE}/requests/{case.pk}.json"))
    assert set(stub) == STUB_KEYS
    assert stub["status"] == "open" and stub["service_code"] == "permits"
    assert stub["agency_responsible"] == "Trung tâm Giám sát, điều hành đô thị thông minh"
    assert stub["requested_datetime"].endswith("+07:00")
    xml = client.get(f"{BASE}/requests/{case.pk}.xml")
    root = body_xml(xml)
    assert root.tag == "service_requests"
    assert {child.tag for child in root.find("request")} == STUB_KEYS
    for text in ("Ổ gà", "Lan", "0987654321", "lan@example.vn", "Đường 30/4"):
        assert text not in xml.content.decode() and text not in str(stub)

    publish_existing(province, case, timezone.now(), reply="Đã vá ổ gà.")
    [full] = body_json(client.get(f"{BASE}/requests/{case.pk}.json"))
    assert set(full) == REQUEST_KEYS
    assert full["status"] == "closed" and full["status_notes"] == "Đã vá ổ gà."
    assert full["description"].startswith("Ổ gà lớn giữa đường 30/4")
    assert full["agency_responsible"] == "Sở Giao thông vận tải"
    assert full["lat"] == pytest.approx(11.310123) and full["address"] == "Đường 30/4, phường 1"
    assert "media_url" not in full
    root = body_xml(client.get(f"{BASE}/requests/{case.pk}.xml"))
    assert root.findtext("request/description").startswith("Ổ gà lớn")
    assert root.findtext("request/status") == "closed"
    assert "Lan" not in str(full) and "lan@example.vn" not in str(full)


def test_the_post_answers_in_xml_too(client, province):
    response = open311_post(client, issue_key(), fmt="xml")
    root = body_xml(response)
    assert root.tag == "service_requests"
    assert Case.objects.filter(pk=int(root.findtext("request/service_request_id"))).exists()
    assert root.find("request/service_notice").text


def test_a_retry_with_the_same_idempotency_key_makes_one_case(client, province):
    key = issue_key()
    headers = {"Idempotency-Key": "retry-0123456789abcdef"}
    first = open311_post(client, key, headers)
    second = open311_post(client, key, headers)
    assert body_json(first) == body_json(second)
    assert Case.objects.filter(channel=Case.Channel.OPEN311).count() == 1


@pytest.mark.parametrize("key", [None, "", "not-a-key", "inactive"])
def test_a_post_without_a_valid_api_key_is_403_in_both_formats(client, province, key):
    inactive = issue_key(active=False)
    raw = inactive if key == "inactive" else key
    response = open311_post(client, raw)
    assert response.status_code == 403
    assert body_json(response) == [{"code": 403, "description": "A valid api_key is required."}]
    root = body_xml(open311_post(client, raw, fmt="xml"))
    assert root.findtext("error/code") == "403"
    assert not Case.objects.exists()


def test_an_invalid_post_gets_the_open311_error_array(client, province):
    response = open311_post(client, issue_key(), service_code="nope", lat="91", description="")
    assert response.status_code == 400
    descriptions = [e["description"] for e in body_json(response)]
    assert "service_code is not one of our services." in descriptions
    assert "description is required." in descriptions
    assert all(e["code"] == 400 for e in body_json(response))
    assert not Case.objects.exists()


def test_a_post_needs_a_location_a_name_and_a_way_to_reach_the_reporter(client, province):
    response = open311_post(client, issue_key(), lat=None, long=None, address_string=None,
                            first_name="", last_name="", phone="", email="")
    assert response.status_code == 400
    text = str(body_json(response))
    assert "A location is required" in text


def test_the_api_key_may_come_in_the_query_string_as_the_swagger_document_places_it(
        client, province):
    key = issue_key()
    response = open311_post(client, None, query=f"?api_key={key}")
    assert response.status_code == 200
    assert Case.objects.filter(channel=Case.Channel.OPEN311).count() == 1


def test_every_post_field_may_come_in_the_query_string_and_the_body_wins(client, province):
    query = f"?api_key={issue_key()}&service_code=permits&description=Query+text&lat=1&long=2"
    response = client.post(f"{BASE}/requests.json{query}", {
        "description": "Đèn đường hỏng.", "first_name": "Lan", "phone": "0912345678",
        "email": "lan@example.vn"})
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.content == "Đèn đường hỏng." and case.category.code == "permits"
    assert str(case.latitude) == "1.000000"


def test_a_wrong_key_in_the_query_string_is_refused_like_one_in_the_body(client, province):
    assert open311_post(client, None, query="?api_key=not-a-key").status_code == 403
    assert not Case.objects.exists()


def test_a_description_of_4000_characters_is_taken_and_one_more_is_refused(client, province):
    key = issue_key()
    assert open311_post(client, key, description="đ" * 4000).status_code == 200
    response = open311_post(client, key, description="đ" * 4001)
    assert response.status_code == 400
    assert body_json(response) == [{"code": 400,
                                    "description": "description: at most 4,000 characters."}]
    assert Case.objects.count() == 1


def test_a_description_is_measured_once_normalised(client, province):
    # "ế" typed as e + two combining marks is three code points, one once composed (NFC).
    response = open311_post(client, issue_key(), description="e\u0302\u0301" * 4000)
    assert response.status_code == 200
    assert Case.objects.get().content == "ế" * 4000


def test_a_request_placed_by_its_address_id_alone_keeps_its_place(client, province):
    response = open311_post(client, issue_key(), lat=None, long=None, address_string=None,
                            address_id="545483")
    assert response.status_code == 200
    assert Case.objects.get().location_text == "address_id 545483"


def test_an_address_id_is_kept_beside_the_address_string(client, province):
    open311_post(client, issue_key(), address_id="545483")
    assert Case.objects.get().location_text == "Đường 30/4, phường 1 (address_id 545483)"


def test_an_address_too_long_to_keep_is_refused_not_cut(client, province):
    response = open311_post(client, issue_key(), address_string="x" * 250, address_id="545483")
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_an_anonymous_report_is_refused_naming_each_missing_detail(client, province):
    # Art. 6.3: name, phone number and e-mail address; Art. 6.4 offers confidentiality instead.
    response = open311_post(client, issue_key(), first_name=None, last_name=None, phone=None,
                            email=None)
    assert response.status_code == 400
    descriptions = [e["description"] for e in body_json(response)]
    assert len(descriptions) == 3
    for field in ("first_name or last_name", "phone", "email"):
        assert any(d.startswith(f"{field} is required") and "Art. 6.3" in d
                   for d in descriptions), field
    assert not Case.objects.exists()


@pytest.mark.parametrize("missing", ["phone", "email", "name"])
def test_a_report_missing_any_one_of_name_phone_and_email_is_refused(client, province, missing):
    blank = {"name": {"first_name": "", "last_name": ""}}.get(missing, {missing: ""})
    response = open311_post(client, issue_key(), **blank)
    assert response.status_code == 400
    assert len(body_json(response)) == 1
    assert not Case.objects.exists()


def test_only_the_digest_of_a_key_is_stored(province):
    raw = issue_key()
    row = ApiKey.objects.get()
    assert row.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiKey.objects.values().get())


# --- What GET requests shows ------------------------------------------------------------------
@pytest.fixture
def mixed_cases(province):
    """One case of each visibility, plus one still in progress, each with its own text."""
    extra = {"reporter_address": REPORTER_DATA[3]}
    public = drive.published(province, MONDAY, content="Nội dung công khai về đèn đường.",
                             **extra)
    confidential = drive.approved(province, MONDAY, is_confidential=True,
                                  content="Nội dung bảo mật KHÔNG-ĐƯỢC-LỘ.", **extra)
    services.publish_case(case_id=confidential.pk, visibility="confidential", reply_text="Riêng.",
                          actor=province.coordinator, now=MONDAY)
    secret = drive.approved(province, MONDAY, content="Nội dung mật NHÀ-NƯỚC.", **extra)
    services.publish_case(case_id=secret.pk, visibility="state_secret", reply_text="Mật.",
                          actor=province.coordinator, now=MONDAY)
    pending = drive.assigned(province, MONDAY, content="Đang xử lý CHƯA-CÔNG-BỐ.", **extra)
    return {"public": public, "confidential": confidential, "secret": secret,
            "pending": pending}


def test_get_requests_lists_public_cases_in_full_and_the_others_as_stubs(client, mixed_cases):
    data = body_json(client.get(f"{BASE}/requests.json"))
    rows = {row["service_request_id"]: row for row in data}
    assert set(rows) == {str(mixed_cases["public"].pk), str(mixed_cases["pending"].pk)}
    # drive.published places it by its text alone: no lat and long to give.
    assert set(rows[str(mixed_cases["public"].pk)]) == REQUEST_KEYS - {"lat", "long"}
    assert rows[str(mixed_cases["public"].pk)]["description"] == \
        "Nội dung công khai về đèn đường."
    assert set(rows[str(mixed_cases["pending"].pk)]) == STUB_KEYS
    root = body_xml(client.get(f"{BASE}/requests.xml"))
    assert {r.findtext("service_request_id") for r in root.findall("request")} == set(rows)


def test_a_posted_request_is_found_by_every_search_that_names_it(client, province):
    [answer] = body_json(open311_post(client, issue_key()))
    pk = answer["service_request_id"]
    for query in (f"service_request_id={pk}", f"service_request_id=999999,{pk}",
                  "status=open", "status=open,closed", "service_code=permits", ""):
        found = [row["service_request_id"]
                 for row in body_json(client.get(f"{BASE}/requests.json?{query}"))]
        assert found == [pk], query
        assert body_json(client.get(f"{BASE}/requests.json?{query}"))[0] == \
            body_json(client.get(f"{BASE}/requests/{pk}.json"))[0]
    assert body_json(client.get(f"{BASE}/requests.json?status=closed")) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_no_listing_carries_reporter_data_or_hidden_content(client, mixed_cases, fmt):
    bodies = [client.get(f"{BASE}/requests.{fmt}").content.decode()]
    bodies += [client.get(f"{BASE}/requests/{case.pk}.{fmt}").content.decode()
               for case in mixed_cases.values()]
    for body in bodies:
        for personal in REPORTER_DATA:
            assert personal not in body
        for hidden in ("KHÔNG-ĐƯỢC-LỘ", "NHÀ-NƯỚC", "CHƯA-CÔNG-BỐ", "Riêng.", "Mật."):
            assert hidden not in body


@pytest.mark.parametrize("which", ["confidential", "secret"])
def test_a_confidential_or_secret_case_does_not_exist_for_open311(client, mixed_cases, which):
    pk = mixed_cases[which].pk
    for fmt in ("json", "xml"):
        assert client.get(f"{BASE}/requests/{pk}.{fmt}").status_code == 404
    assert body_json(client.get(f"{BASE}/requests.json?service_request_id={pk}")) == []


def test_a_case_in_progress_answers_its_status_and_units_only(client, mixed_cases):
    [stub] = body_json(client.get(f"{BASE}/requests/{mixed_cases['pending'].pk}.json"))
    assert set(stub) == STUB_KEYS
    assert stub["status"] == "open" and stub["status_notes"] == "Assigned to units"
    assert stub["agency_responsible"] == "Sở Giao thông vận tải"


def test_get_requests_filters(client, mixed_cases, province):
    pk = str(mixed_cases["public"].pk)

    def ids(query: str) -> list[str]:
        response = client.get(f"{BASE}/requests.json?{query}")
        assert response.status_code == 200
        return [row["service_request_id"] for row in body_json(response)]

    pending = str(mixed_cases["pending"].pk)
    assert set(ids("service_code=permits")) == {pk, pending}
    assert ids("service_code=lighting") == []
    assert ids("status=closed") == [pk]
    assert ids("status=open") == [pending]
    assert set(ids("start_date=2026-03-01T00:00:00%2B07:00&end_date=2026-03-03T00:00:00Z")) \
        == {pk, pending}
    assert ids("start_date=2026-03-03T00:00:00%2B07:00") == []
    assert ids(f"service_request_id={pk},{mixed_cases['secret'].pk}&status=open") == [pk]
    bad = client.get(f"{BASE}/requests.json?status=maybe&start_date=yesterday")
    assert bad.status_code == 400 and len(body_json(bad)) == 2


def test_citizen_text_is_escaped_in_xml(client, province):
    case = drive.published(province, MONDAY,
                           content="<script>alert(1)</script> & \x07 ]]> \"quoted\"")
    response = client.get(f"{BASE}/requests/{case.pk}.xml")
    assert b"<script>" not in response.content
    root = ET.fromstring(response.content)  # noqa: S314 — our own answer, in a test
    assert root.findtext("request/description").startswith("<script>alert(1)</script> &")


# --- Tokens -------------------------------------------------------------------------------------
def test_a_token_is_the_request_id_of_an_open311_case_and_others_are_404(client, province):
    [answer] = body_json(open311_post(client, issue_key()))
    request_id = answer["service_request_id"]
    assert body_json(client.get(f"{BASE}/tokens/{request_id}.json")) == \
        [{"service_request_id": request_id, "token": request_id}]
    web_case = province.receive()
    for token in (str(web_case.pk), "abc", "999999999999999999999"):
        response = client.get(f"{BASE}/tokens/{token}.json")
        assert response.status_code == 404
        assert body_json(response) == [{"code": 404, "description": "No such token."}]
    assert body_xml(client.get(f"{BASE}/tokens/abc.xml")).findtext("error/code") == "404"
