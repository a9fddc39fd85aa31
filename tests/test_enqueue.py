"""A task queued once the transaction commits: never on a rollback, and a broker that is
down costs a warning, not the request."""

import logging
from unittest import mock

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from config.celery import enqueue_on_commit
from workflow.tasks import deliver_messages_task

pytestmark = pytest.mark.django_db


def test_the_task_is_published_once_the_transaction_commits_without_publish_retries(
        django_capture_on_commit_callbacks):
    with mock.patch.object(deliver_messages_task, "apply_async") as queued, \
            django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(deliver_messages_task, ([7, 8],), log_as="outbox 7, 8")
        assert not queued.called
    queued.assert_called_once_with(([7, 8],), retry=False)


def test_nothing_is_published_when_the_transaction_rolls_back(
        django_capture_on_commit_callbacks):
    with mock.patch.object(deliver_messages_task, "apply_async") as queued, \
            django_capture_on_commit_callbacks(execute=True) as callbacks, \
            pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(deliver_messages_task, ([7],), log_as="outbox 7")
        raise RuntimeError("rolled back")
    assert callbacks == [] and not queued.called


def test_a_broker_that_is_down_is_logged_by_what_the_caller_named(
        django_capture_on_commit_callbacks, caplog):
    caplog.set_level(logging.WARNING, logger="config.celery")
    failing = mock.Mock(side_effect=OperationalError("Error 111 connecting to 10.0.0.5"))
    with mock.patch.object(deliver_messages_task, "apply_async", failing), \
            django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(deliver_messages_task, ([7],), log_as="outbox 7")
    assert "outbox 7: not queued (OperationalError)" in caplog.text
    assert "10.0.0.5" not in caplog.text
