"""A double submit that really is simultaneous makes one case (SECURITY IN4, on PostgreSQL).

Two browsers' worth of requests start at the same instant, each in its own thread with its
own database connection; the unique idempotency key lets one insert win and the other
answer with the winner's submission. Two workers building at the same instant take a
waiting submission each, never the same one.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from feedback.intake import build_waiting
from feedback.models import Consent, Submission
from tests.feedback.support import SUBMIT, submission
from workflow.models import Case, CaseEvent, OutboxMessage

ROUNDS = 3


def at_the_same_moment(work, count: int) -> list:
    """Run `work(n)` for n in range(count), each in its own thread with its own database
    connection, all released together; their results, or the first error raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[n] = work(n)
        except BaseException as error:  # noqa: BLE001 — raised below, in the test
            results[n] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def submit_at_the_same_moment(*posts: dict) -> list[str]:
    """Send each of `posts` from its own thread, all released together; the code each page
    shows, once the worker has built the cases."""
    def post(n: int) -> str:
        client = Client()
        response = client.post(SUBMIT, posts[n])
        assert response.status_code == 302, response.status_code
        return _code_on(client.get(response["Location"])).replace("-", "")

    codes = at_the_same_moment(post, len(posts))
    build_waiting()
    return codes


def _code_on(page) -> str:
    html = page.content.decode()
    start = html.index('class="tracking-code"')
    return html[html.index(">", start) + 1:html.index("</p>", start)].strip()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_with_one_key_make_one_case_and_show_one_code(province):
    for n in range(ROUNDS):
        key = f"same-moment-{n:02d}-" + "k" * 20
        data = submission(idempotency_key=key, sms_updates="on")
        codes = submit_at_the_same_moment(data, data)
        case = Case.objects.get(idempotency_key=key)
        assert codes == [case.tracking_code, case.tracking_code]
        # One case, one consent record, one receipt SMS (IN4: one case and one SMS).
        assert Consent.objects.filter(case=case, purpose="processing").count() == 1
        assert OutboxMessage.objects.filter(case=case, to_reporter=True,
                                            channel="sms").count() == 1
    assert Case.objects.count() == ROUNDS


@pytest.mark.django_db(transaction=True)
def test_simultaneous_posts_with_different_keys_make_a_case_each(province):
    codes = submit_at_the_same_moment(submission(reporter_phone="0912345601"),
                                      submission(reporter_phone="0912345602"))
    assert len(set(codes)) == 2
    assert Case.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_moment_build_each_submission_once(province):
    client = Client()
    for n in range(12):
        assert client.post(SUBMIT, submission(reporter_phone=f"09123457{n:02d}"),
                           REMOTE_ADDR=f"10.0.1.{n}").status_code == 302
    built = at_the_same_moment(lambda _n: build_waiting(), 2)
    assert sum(built) == 12
    assert Case.objects.count() == 12
    assert not Submission.objects.filter(case__isnull=True).exists()
    assert CaseEvent.objects.filter(kind="received").count() == 12
