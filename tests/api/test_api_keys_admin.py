"""API keys are issued in the admin: shown once, stored as a digest, audited."""

import hashlib
import re

import pytest
from django.urls import reverse

from feedback.models import ApiKey
from routing.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_admin_issues_a_key_shown_once_and_stores_its_digest(admin_client, province):
    response = admin_client.post(reverse("admin:feedback_apikey_add"),
                                 {"name": "FixMyStreet Tây Ninh", "is_active": "on"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = re.search(r'<code id="issued-api-key">([^<]+)</code>', response.content.decode())[1]
    key = ApiKey.objects.get()
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.prefix == raw[:8]
    change_page = admin_client.get(reverse("admin:feedback_apikey_change", args=[key.pk]))
    assert raw not in change_page.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONFIG_CHANGED)
    assert event.detail["change"] == "api_key_issued" and raw not in str(event.detail)
    answer = admin_client.post("/open311/v2/requests.json", {
        "api_key": raw, "service_code": "permits", "address_string": "Phường 1",
        "first_name": "Lan", "phone": "0987654321", "email": "lan@example.vn",
        "description": "Ổ gà trên đường.",
    })
    assert answer.status_code == 200


def test_a_deactivated_key_no_longer_posts(admin_client, province):
    key = ApiKey(name="Old app")
    raw = key.set_new_key()
    key.save()
    admin_client.post(reverse("admin:feedback_apikey_change", args=[key.pk]),
                      {"name": "Old app"})
    key.refresh_from_db()
    assert key.is_active is False
    response = admin_client.post("/open311/v2/requests.json", {"api_key": raw})
    assert response.status_code == 403
