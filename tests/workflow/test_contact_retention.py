"""Retention of the rows that only hold a contact: the abuse list and the kept messages (DP6)."""

from datetime import timedelta

import pytest

from tests.conftest import MONDAY
from workflow import services
from workflow.models import AbuseListEntry, SentMessage
from workflow.privacy.retention import PurgeResult, purge

pytestmark = pytest.mark.django_db


def _listed(p, now, kind="phone") -> AbuseListEntry:
    case = p.receive(now=now, reporter_phone="0987654321", reporter_email="spam@example.vn")
    return services.add_reporter_to_abuse_list(case_id=case.pk, kind=kind, reason="Quấy rối",
                                               actor=p.coordinator, now=now)


def _kept(at) -> SentMessage:
    return SentMessage.objects.create(kind="sms", recipient="0912345678", body="Ma OTP 482913",
                                      sent_at=at)


def test_an_abuse_list_entry_is_deleted_once_its_period_has_passed(province, settings):
    settings.ABUSE_LIST_RETENTION_DAYS = 365
    old = _listed(province, MONDAY)
    young = _listed(province, MONDAY + timedelta(days=100), kind="email")

    result = purge(now=MONDAY + timedelta(days=366))

    assert result.abuse_list_purged == 1
    assert list(AbuseListEntry.objects.values_list("pk", flat=True)) == [young.pk]
    assert not AbuseListEntry.objects.filter(value=old.value).exists()


def test_a_switched_off_abuse_list_entry_is_deleted_at_the_next_run(province):
    entry = _listed(province, MONDAY)
    AbuseListEntry.objects.filter(pk=entry.pk).update(active=False)

    result = purge(now=MONDAY + timedelta(days=1))

    assert result.abuse_list_purged == 1
    assert not AbuseListEntry.objects.exists()


def test_kept_sent_messages_are_deleted_after_their_period(settings):
    settings.SENT_MESSAGES_RETENTION_DAYS = 7
    _kept(MONDAY)
    young = _kept(MONDAY + timedelta(days=3))

    result = purge(now=MONDAY + timedelta(days=8))

    assert result.sent_messages_purged == 1
    assert list(SentMessage.objects.values_list("pk", flat=True)) == [young.pk]


def test_the_dry_run_counts_them_and_a_second_run_finds_nothing(province):
    _listed(province, MONDAY)
    _kept(MONDAY)
    later = MONDAY + timedelta(days=400)

    counted = purge(now=later, dry_run=True)
    first = purge(now=later)
    second = purge(now=later)

    assert (counted.abuse_list_purged, counted.sent_messages_purged) == (1, 1)
    assert (first.abuse_list_purged, first.sent_messages_purged) == (1, 1)
    assert second == PurgeResult()
