"""Helpers of the API tests: API keys, and cases driven to publication by the real services."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from feedback.models import ApiKey
from tests.workflow.drive import assignment_of
from workflow import services
from workflow.models import Case

STEP = timedelta(minutes=10)
REPORTER_DATA = ("Nguyễn Văn An", "0912345678", "an@example.vn", "12 Lê Lợi, phường 3")


def issue_key(name: str = "Open311 app", active: bool = True) -> str:
    key = ApiKey(name=name, is_active=active)
    raw = key.set_new_key()
    key.save()
    return raw


def publish_existing(p, case: Case, now: datetime, visibility: str = "public",
                     reply: str = "Đã sửa xong.") -> Case:
    """Take a received case through classify, dispatch, handling and approval to publication."""
    services.classify_case(case_id=case.pk, category=p.permits, actor=p.coordinator,
                           now=now + STEP)
    services.dispatch_case(case_id=case.pk, unit_ids=[p.roads.pk], actor=p.coordinator,
                           now=now + 2 * STEP)
    case.refresh_from_db()
    assignment = assignment_of(case, p.roads)
    services.accept_assignment(assignment_id=assignment.pk, actor=p.roads_staff,
                               now=now + 3 * STEP)
    services.submit_draft(assignment_id=assignment.pk, actor=p.roads_staff, now=now + 4 * STEP,
                          body="Đơn vị đã xử lý.")
    services.approve_assignment(assignment_id=assignment.pk, actor=p.roads_leader,
                                now=now + 5 * STEP)
    return services.publish_case(case_id=case.pk, visibility=visibility, reply_text=reply,
                                 actor=p.coordinator, now=now + 6 * STEP)


def body_json(response):
    return json.loads(response.content.decode())


def body_xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 — our own answer, in a test
