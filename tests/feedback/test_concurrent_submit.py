"""A double submit that really is simultaneous makes one case (SECURITY IN4, on PostgreSQL).

Two browsers' worth of requests start at the same instant, each in its own thread with its
own database connection; the unique idempotency key lets one insert win and the other
answer with the winner's case.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from feedback.models import Consent
from tests.feedback.support import SUBMIT, submission
from workflow.models import Case, OutboxMessage

ROUNDS = 3


def submit_at_the_same_moment(*posts: dict) -> list[str]:
    """Send each of `posts` from its own thread, all released together; each one's code."""
    clients = len(posts)
    barrier = threading.Barrier(clients)
    codes: list[str | BaseException] = [""] * clients

    def send(n: int) -> None:
        try:
            client = Client()
            client.cookies["django_language"] = "en"
            barrier.wait(timeout=30)
            response = client.post(SUBMIT, posts[n])
            assert response.status_code == 302, response.status_code
            page = client.get(response["Location"])
            case = Case.objects.get(tracking_code=_code_on(page).replace("-", ""))
            codes[n] = case.tracking_code
        except BaseException as error:  # noqa: BLE001 — reported by the test below
            codes[n] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=send, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for code in codes:
        if isinstance(code, BaseException):
            raise code
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
