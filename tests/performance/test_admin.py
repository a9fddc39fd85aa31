"""The admin's lists of report drafts, their notices and the signed letters: a ceiling that
does not grow with the months they cover."""

import pytest
from django.urls import reverse

from tests.test_admin import report_rows

# Session, the user, the count and the page of rows with what each row names.
REPORT_CHANGELIST_QUERIES = {"reports_reportdraft": 6, "reports_reportdraftnotice": 4,
                             "workflow_signedletter": 4}


def listed(admin_client, url: str, ceiling: int, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(ceiling):
        assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize("name", sorted(REPORT_CHANGELIST_QUERIES))
def test_a_report_changelist_stays_under_its_ceiling_for_one_month_or_four(
        admin_client, province, settings, tmp_path, name, django_assert_max_num_queries):
    settings.MEDIA_ROOT = tmp_path / "media"
    url = reverse(f"admin:{name}_changelist")
    ceiling = REPORT_CHANGELIST_QUERIES[name]
    report_rows(province, 3)
    admin_client.get(url)  # the first request after the log-in saves the session
    listed(admin_client, url, ceiling, django_assert_max_num_queries)
    for month in (4, 5, 6):
        report_rows(province, month)
    listed(admin_client, url, ceiling, django_assert_max_num_queries)
