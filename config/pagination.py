"""One paginator for every long list, staff's and the public's: its COUNT stops early.

An exact count of a huge set (a million cases, a common search word) costs more than the
page itself, and nobody reads "page 20,000 of 20,000". The count stops after `limit` rows,
or just past the page asked for, and `is_capped` says that more rows matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .generations import kept

# No one pages this far; a larger number (a probe's 10**30) would only make a LIMIT that
# PostgreSQL's bigint cannot hold.
MAX_PAGE = 10**6


@dataclass(frozen=True)
class KeptCount:
    """Keep the count in the cache under `key` while `generation_key` does not move."""

    key: str
    generation_key: str
    timeout: int


class BoundedPaginator(Paginator):
    """A Paginator whose COUNT stops after `limit` rows (at least up to the page asked for,
    `page_number`, and the one after it), so a long list costs no exact count.

    `counted`: what to count when the list reads values: the same rows without the joins
    the values need. `keep_count`: keep the count in the cache (see KeptCount).
    """

    def __init__(self, object_list: Any, per_page: int, *, limit: int,
                 page_number: Any = None, counted: QuerySet[Any] | None = None,
                 keep_count: KeptCount | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.limit = -(-limit // per_page) * per_page  # whole pages: the last one is full
        self.is_capped = False
        self.counted = counted
        self.keep_count = keep_count
        self.wanted(page_number)

    def wanted(self, number: Any) -> None:
        """Count at least far enough to show page `number` and to know whether one follows."""
        try:
            number = int(number)
        except (TypeError, ValueError, OverflowError):
            return
        if number > 0:
            self.limit = max(self.limit, min(number, MAX_PAGE) * self.per_page)

    @cached_property
    def count(self) -> int:
        rows = self.counted if self.counted is not None else self.object_list
        if not isinstance(rows, QuerySet):
            return super().count

        def count_rows() -> int:
            return rows.order_by()[: self.limit + 1].count()

        keep = self.keep_count
        counted = (kept(f"{keep.key}:{self.limit}", keep.generation_key, count_rows,
                        keep.timeout) if keep else count_rows())
        self.is_capped = counted > self.limit
        return min(counted, self.limit)
