"""The search document of a public case: its words without diacritics, for the public search.

Filled by the triggers of migration 0002 (which also add its indexes and a foreign key
that deletes it with its case). A row exists exactly
while its case is public (published, neither confidential nor a state secret): the triggers
add, change and remove it in the same transaction as the change to the case.
Searches still re-check the case itself at read time (publishing.selectors.public_cases).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    case = models.OneToOneField(
        "workflow.Case", primary_key=True, on_delete=models.DO_NOTHING,
        related_name="search_document", db_constraint=False,  # 0002's own: it cascades
    )
    published_at = models.DateTimeField(null=True)
    # Every word of title, content and reply, folded (publishing.text.fold), positions dropped.
    document = SearchVectorField()

    class Meta:
        db_table = "publishing_searchdocument"

    def __str__(self) -> str:
        return f"search document of case {self.case_id}"
