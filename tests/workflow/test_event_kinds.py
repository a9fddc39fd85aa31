"""Every event the services and the sweep log is one of CaseEvent.Kind, shown by its label."""

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from feedback.services import add_reporter_comment
from tests.conftest import at
from tests.workflow import drive
from workflow import services
from workflow.models import AbuseListEntry, CaseEvent, DuplicateCandidate
from workflow.selectors import find_duplicates
from workflow.sweep import sweep_deadlines

pytestmark = pytest.mark.django_db

# The kind's cell of a row of the case page's log (workflow.views.case.log.EventView.html).
LOGGED_KIND = re.compile(r'<tr><td class="nowrap"><time[^>]*>[^<]*</time></td>'
                         r"<td>[^<]*</td><td>([^<]*)</td>")


def live_every_kind_of_event(p) -> list:
    """Cases driven through every path the services and the sweep log."""
    monday, tuesday, coordinator = at(2026, 3, 2, 8, 0), at(2026, 3, 3, 8, 0), p.coordinator
    kept = drive.reopened(p, monday)
    services.keep_result(case_id=kept.pk, note="Kết quả đã đúng", actor=coordinator,
                         now=at(2026, 3, 3, 9, 0))

    reprocessed = drive.reopened(p, tuesday)
    services.reprocess_case(case_id=reprocessed.pk, unit_ids=[p.roads.pk], note="Xử lý lại",
                            actor=coordinator, now=at(2026, 3, 4, 9, 0))

    revised = drive.approved(p, monday)
    services.send_back_to_unit(assignment_id=drive.assignment_of(revised, p.roads).pk,
                               rework="revision", note="Sai thể thức", actor=coordinator,
                               now=at(2026, 3, 2, 10, 0))
    redistributed = drive.approved(p, tuesday)
    services.send_back_to_unit(assignment_id=drive.assignment_of(redistributed, p.roads).pk,
                               rework="redistribution", note="Thiếu ảnh", actor=coordinator,
                               now=at(2026, 3, 3, 10, 0))

    handled = drive.awaiting_approval(p, monday)
    services.return_to_staff(assignment_id=handled.pk, note="Ghi rõ ngày", actor=p.roads_leader,
                             now=at(2026, 3, 2, 10, 0))
    services.extend_assignment(assignment_id=handled.pk, reason="Chờ vật tư",
                               new_due=date(2026, 3, 13), actor=p.roads_staff,
                               now=at(2026, 3, 2, 11, 0))

    watched = drive.assigned(p, monday)
    services.reveal_contact(assignment_id=drive.assignment_of(watched, p.roads).pk,
                            reason="Cần gọi xác minh", actor=coordinator,
                            now=at(2026, 3, 2, 9, 0))
    services.escalate_case(case_id=watched.pk, summary="Việc kéo dài", actor=coordinator,
                           now=at(2026, 3, 2, 9, 10))
    services.mark_valuable(case_id=watched.pk, reason="Thông tin có giá trị", actor=coordinator,
                           now=at(2026, 3, 2, 9, 20))
    services.return_assignment(assignment_id=drive.assignment_of(watched, p.roads).pk,
                               reason="Không thuộc thẩm quyền", actor=p.roads_staff,
                               now=at(2026, 3, 2, 9, 30))

    verified = drive.classified(p, monday, reporter_phone="0909000111")
    services.send_back_for_verification(case_id=verified.pk, reason="Thiếu địa chỉ",
                                        actor=coordinator, now=at(2026, 3, 2, 8, 30))
    services.add_reporter_to_abuse_list(case_id=verified.pk, kind=AbuseListEntry.Kind.PHONE,
                                        reason="Gửi tin rác", actor=coordinator,
                                        now=at(2026, 3, 2, 8, 40))
    held = p.receive(now=at(2026, 3, 2, 9, 0), reporter_phone="0909000111")
    services.release_hold(case_id=held.pk, actor=coordinator, now=at(2026, 3, 2, 9, 10))
    rejected = drive.classified(p, monday)
    services.reject_case(case_id=rejected.pk, reason="dispute", actor=coordinator,
                         now=at(2026, 3, 2, 9, 0))

    asked = drive.published(p, tuesday)
    add_reporter_comment(case_id=asked.pk, body="Khi nào xong?", now=at(2026, 3, 4, 8, 0))
    services.answer_clarification(case_id=asked.pk, body="Trong tuần này.", actor=p.roads_staff,
                                  now=at(2026, 3, 4, 9, 0))

    late = p.receive(now=monday)
    sweep_deadlines(now=at(2026, 3, 6, 17, 0))
    # The same report sent again: one closed into the handled case, one suggestion dismissed.
    again = p.receive(now=at(2026, 3, 9, 8, 0), title="Đèn đường hỏng trên đường 30/4 nữa")
    services.close_as_duplicate(case_id=again.pk, original_id=handled.case_id,
                                actor=coordinator, now=at(2026, 3, 9, 8, 10))
    find_duplicates(late, at(2026, 3, 9, 8, 20))
    other = DuplicateCandidate.objects.filter(case=late).values_list("other_id", flat=True)[0]
    services.dismiss_duplicate(case_id=late.pk, other_id=other, actor=coordinator,
                               now=at(2026, 3, 9, 8, 30))
    return [kept, reprocessed, revised, redistributed, handled.case, watched, verified, held,
            rejected, asked, late, again]


def test_every_event_logged_is_a_named_kind_and_every_kind_is_logged_somewhere(province):
    live_every_kind_of_event(province)
    logged = set(CaseEvent.objects.values_list("kind", flat=True))
    assert logged <= set(CaseEvent.Kind.values)
    assert set(CaseEvent.Kind.values) - logged == set()


def test_the_staff_case_page_shows_each_event_by_its_label_never_its_key(client, province):
    cases = live_every_kind_of_event(province)
    client.force_login(province.coordinator_user)
    shown = set()
    for case in cases:
        response = client.get(reverse("staff:case", args=[case.pk]))
        assert response.status_code == 200
        cells = [unescape(cell) for cell in LOGGED_KIND.findall(response.content.decode())]
        assert len(cells) == case.events.count()
        with translation.override(response["Content-Language"]):
            labels = {str(label) for label in CaseEvent.Kind.labels}
        assert set(cells) <= labels
        assert not set(cells) & set(CaseEvent.Kind.values)
        shown.update(cells)
    assert len(shown) == len(set(CaseEvent.Kind.labels))
