"""Query plans, kept where a plan is the only way to show that a query reads its index.

A test's few rows are read just as fast, and just as correctly, with or without the index:
what a million cases would cost shows only in the plan PostgreSQL chooses. Each test below
therefore reads a plan, with the planner told not to read a table whole (which a test's
few rows would otherwise make the cheapest choice), and names the index it must use."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from publishing.selectors import (
    SEARCH_NEWEST_FIRST,
    AnswerFilters,
    filter_public_cases,
    matching_documents,
)
from tests.conftest import MONDAY, at
from tests.workflow import drive
from workflow.models import Assignment, Case
from workflow.selectors import coordinator_queue
from workflow.sweep import due_rows


def plan_of(sql: str, params=()) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


# --- The staff's queues and the beat --------------------------------------------------------------
def test_the_coordinators_queue_is_read_and_counted_from_its_index_without_a_sort(province):
    """That the queue is read in deadline order from its partial index, stopping at the
    page's last row, and counted from the index alone, shows only in the plan."""
    province.receive()
    queue = coordinator_queue()
    with connection.cursor() as cursor:
        # A test's few rows would be read whole and sorted; a million are not.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    page_plan = queue.values("pk")[:50].explain()
    with CaptureQueriesContext(connection) as counted:
        queue.order_by()[:10001].count()  # as the queue's pager counts it
    # The pager's count is a subquery Django writes itself; its plan needs its own text.
    count_plan = plan_of(counted.captured_queries[-1]["sql"])
    # At a million cases: 0.4 ms each, instead of 2 and 3 through the heap.
    assert "case_coordinator_queue" in page_plan
    assert "Sort" not in page_plan
    assert "Index Only Scan using case_coordinator_queue" in count_plan


def test_the_sweep_query_can_use_the_partial_deadline_index(province):
    """The deadline sweep runs every minute over every open assignment; only the plan shows
    it reads the partial index of open deadlines rather than the whole table."""
    drive.processing(province, at(2026, 3, 2, 8, 0))
    query, params = due_rows(Assignment, "overdue", at(2026, 3, 11, 7, 0)).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "assignment_due_open" in plan_of(query, params)


def test_the_waiting_index_holds_exactly_the_cases_the_beat_reads(province):
    """The beat that looks for a new case's duplicates reads the cases not yet checked; the
    index's condition must be the beat's own, and only the plan shows the beat uses it."""
    index = next(i for i in Case._meta.indexes if i.name == "case_duplicates_waiting")
    assert sorted(dict(index.condition.children)["state__in"]) == sorted(Case.COORDINATOR_STATES)
    province.receive()
    waiting = (Case.objects.filter(duplicates_checked_at__isnull=True,
                                   state__in=Case.COORDINATOR_STATES).order_by("-received_at"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "case_duplicates_waiting" in waiting[:200].explain()


# --- The public search ----------------------------------------------------------------------------
def test_a_search_uses_the_index_of_the_words(province):
    """Found answers are the same whichever way they are looked up; only the plan shows the
    words' index is read rather than every search document."""
    drive.published(province, MONDAY, title="Đường ngập")
    qs = filter_public_cases(AnswerFilters(q="duong ngap"))
    with connection.cursor() as cursor:
        # An empty table makes any index look as good; inside the test's transaction (rolled
        # back afterwards) the planner may not read a table whole, nor the documents in order
        # or by case.
        cursor.execute("DROP INDEX publishing_searchdocument_newest")
        cursor.execute("ALTER TABLE publishing_searchdocument "
                       "DROP CONSTRAINT publishing_searchdocument_pkey")
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "publishing_searchdocument_words" in qs.explain()


def newest_first_plan(documents) -> str:
    """The plan of a search page's documents query under the settings the page runs it with
    when a search has many matches (SEARCH_NEWEST_FIRST)."""
    with connection.cursor() as cursor:
        for name, value in SEARCH_NEWEST_FIRST.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    return documents[:20].explain()


def test_a_search_page_of_common_words_reads_the_newest_documents_in_their_index_order(
        province):
    """The page lists the same answers in the same order either way; only the plan shows
    that they are read in index order, stopping at the page's last match."""
    drive.published(province, MONDAY, title="Giấy phép xây dựng")
    plan = newest_first_plan(matching_documents(AnswerFilters(q="giay phep xay dung")))
    # No sort of every match, as a query ordered by the case's own id needed (1.2 s for
    # 71,405 matches at a million cases).
    assert "publishing_searchdocument_newest" in plan
    assert "Sort" not in plan


def test_a_search_within_a_unit_also_reads_the_newest_documents_without_a_sort(province):
    """As above, for a search narrowed to one unit's answers."""
    drive.published(province, MONDAY, title="Giấy phép xây dựng")
    plan = newest_first_plan(matching_documents(AnswerFilters(q="giay phep", unit=province.roads)))
    # 1.0-1.3 s at a million cases for a category when the matches were sorted; 20 ms now.
    assert "publishing_searchdocument_newest" in plan
    assert "Sort" not in plan
