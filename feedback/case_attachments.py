"""The reporter's photos and videos of a case, as the staff case page reads them: feedback's
answer to workflow.reporters, registered in FeedbackConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db.models.expressions import RawSQL

from workflow.models import Case
from workflow.reporters import CaseAttachments
from workflow.selectors import json_rows

from .models import Attachment

ATTACHMENT_FIELDS = ("pk", "kind", "content_type", "size")


def attachment_rows() -> RawSQL:
    """The case's attachments as JSON objects, oldest first, read in the case's query."""
    columns = ", ".join(f"'{name}', a.{'id' if name == 'pk' else name}"
                        for name in ATTACHMENT_FIELDS)
    return json_rows(  # constants and table names only
        f"(SELECT COALESCE(jsonb_agg(jsonb_build_object({columns}) ORDER BY a.id), '[]'::jsonb) "  # noqa: S608
        f"FROM {Attachment._meta.db_table} a WHERE a.case_id = {Case._meta.db_table}.id)")


def attachments_from_rows(rows: list[dict[str, Any]] | None) -> list[Attachment]:
    return [Attachment(**{name: row[name] for name in ATTACHMENT_FIELDS}) for row in rows or ()]


STAFF_CASE_PAGE = CaseAttachments(annotation=attachment_rows, items=attachments_from_rows)
