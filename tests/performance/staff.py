"""What the staff pages' query ceilings share: opening a page as a signed-in person once the
log-in's own work is done, so that only the page itself is counted."""

from django.urls import reverse

from workflow.worktime import get_calendar

HOME = reverse("staff:home")


def case_url(case) -> str:
    return reverse("staff:case", args=[case.pk])


def signed_in(client, user, first_url: str = HOME) -> None:
    """`user` signed in, the calendar read, and the first page after the log-in (which pushes
    the idle time-out ahead and saves the session) already opened."""
    get_calendar()  # the process-wide calendar is cached; its reload is not the page's
    client.force_login(user)
    client.get(first_url)


def opened(client, url: str, ceiling: int, django_assert_max_num_queries) -> str:
    with django_assert_max_num_queries(ceiling):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()
