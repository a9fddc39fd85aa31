"""The reporter's actions on a published case: comments and ratings (Art. 11)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from config.text import normalize_text
from routing.selectors import REPORTER
from workflow.errors import TransitionRefused
from workflow.models import Case
from workflow.services import reopen_case

from .models import Comment, Rating


@transaction.atomic
def rate_case(*, case_id: int, value: str, note: str = "", now: datetime) -> Rating:
    """The reporter rates the published result, once per publication; "unsatisfied"
    sends the case back to the coordinator (Art. 10.4, 11.3)."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.state != Case.State.PUBLISHED:
        raise TransitionRefused(_("Only a published result can be rated."))
    if value not in Rating.Value.values:
        raise ValidationError({"value": _("Choose one of the three ratings.")})
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=case, round=case.reopen_count, value=value, note=normalize_text(note),
                created_at=now,
            )
    except IntegrityError:
        raise TransitionRefused(_("This result has already been rated.")) from None
    if value == Rating.Value.UNSATISFIED:
        reopen_case(case_id=case.pk, actor=REPORTER, now=now, note=rating.note)
    return rating


@transaction.atomic
def add_reporter_comment(*, case_id: int, body: str, now: datetime) -> Comment:
    """The reporter asks for clarification of the published result (Art. 11.1)."""
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.state not in (Case.State.PUBLISHED, Case.State.REOPENED):
        raise TransitionRefused(_("Comments open once the result is published."))
    body = normalize_text(body)
    if not body:
        raise ValidationError({"body": _("This field is required.")})
    return Comment.objects.create(
        case=case, author_kind=Comment.Author.REPORTER, body=body, created_at=now
    )
