"""What the reporter sees of their own case once they opened it (code and phone or e-mail,
or the private link), and the look-ups that open it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from publishing.selectors import TimelineEntry, public_timeline
from workflow.models import Assignment, Case, DraftPhoto
from workflow.results import UnitResult, released_photos, unit_results
from workflow.track_links import token_hash

from .models import Attachment, Comment, Rating

# What link_token() makes: 32 bytes in unpadded URL-safe base64.
TRACK_LINK_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class PhotoLink:
    url: str
    label: str
    content_type: str = ""


@dataclass(frozen=True)
class CommentRow:
    at: datetime
    author: str
    body: str
    is_reporter: bool


@dataclass(frozen=True)
class TrackedCase:
    code: str
    state: str
    is_state_secret: bool
    is_confidential: bool
    title: str
    content: str
    location_text: str
    received_at: datetime
    reply_text: str
    published_at: datetime | None
    timeline: list[TimelineEntry]
    photos: list[PhotoLink]
    videos: list[PhotoLink]
    comments: list[CommentRow]
    can_comment: bool
    can_rate: bool
    rating: str


def tracked_case(case_id: int) -> Case | None:
    return Case.objects.filter(pk=case_id).first()


def case_by_email(code: str, email: str) -> Case | None:
    """A case opened by its tracking code together with the reporter's e-mail (AC3), for a
    reporter who gave an e-mail address; the address compares as it was stored (lower)."""
    email = email.strip().lower()
    if not code or not email:
        return None
    return Case.objects.filter(tracking_code=code, reporter_email=email).first()


def case_by_track_link(token: str) -> Case | None:
    """The case a private tracking link opens (workflow/track_links.py), or None."""
    if not TRACK_LINK_TOKEN.fullmatch(token):
        return None
    return Case.objects.filter(track_link_hash=token_hash(token)).exclude(
        track_link_hash="").first()


def reporter_view(case: Case) -> TrackedCase:
    """The reporter's page: status, timeline, the reply (a confidential one too), their
    photos and the conversation. A state secret shows its status only (SECURITY DP4)."""
    secret = case.is_state_secret
    answered = case.state in (Case.State.PUBLISHED, Case.State.REOPENED) or (
        case.reopen_count > 0 and bool(case.reply_text)
    )
    files = [] if secret else list(
        Attachment.objects.filter(case=case, kind__in=(Attachment.Kind.PHOTO,
                                                       Attachment.Kind.VIDEO))
        .order_by("pk").values_list("pk", "kind", "content_type")
    )
    photos = [
        PhotoLink(url=reverse("public:attachment", args=[pk]),
                  label=_("Photo %(number)d") % {"number": n})
        for n, (pk, _kind, _type) in enumerate(
            (row for row in files if row[1] == Attachment.Kind.PHOTO), start=1)
    ]
    videos = [
        PhotoLink(url=reverse("public:attachment", args=[pk]),
                  label=_("Video %(number)d") % {"number": n}, content_type=content_type)
        for n, (pk, _kind, content_type) in enumerate(
            (row for row in files if row[1] == Attachment.Kind.VIDEO), start=1)
    ]
    comments = [] if secret else [
        CommentRow(at=c.created_at, body=c.body,
                   is_reporter=c.author_kind == Comment.Author.REPORTER,
                   author=(_("You") if c.author_kind == Comment.Author.REPORTER
                           else c.unit.name if c.unit_id else c.get_author_kind_display()))
        for c in Comment.objects.filter(case=case).select_related("unit")
    ]
    rating = Rating.objects.filter(case=case, round=case.reopen_count).first()
    return TrackedCase(
        code=case.display_code, state=case.get_state_display(), is_state_secret=secret,
        is_confidential=case.is_confidential,
        title="" if secret else case.title, content="" if secret else case.content,
        location_text="" if secret else case.location_text, received_at=case.received_at,
        reply_text=case.reply_text if answered and not secret else "",
        published_at=case.published_at, timeline=public_timeline(case), photos=photos,
        videos=videos,
        comments=comments,
        can_comment=not secret and case.state in (Case.State.PUBLISHED, Case.State.REOPENED),
        can_rate=not secret and case.state == Case.State.PUBLISHED and rating is None,
        rating=rating.get_value_display() if rating else "",
    )


# --- The result: each unit's letter and evidence photos (Art. 8.3, 10.3) ----------------------
# Released to the reporter: the published reply, and while they ask for it to be redone. A
# state secret's result goes through the channel the law allows, never through these pages.
RELEASED_STATES = (Case.State.PUBLISHED, Case.State.REOPENED)


def reporter_assignments(case_id: int) -> QuerySet[Assignment]:
    """The approved assignments of the reporter's case once its reply was released to them,
    public or confidential; none for a state secret or an unreleased reply."""
    return Assignment.objects.filter(
        case_id=case_id, case__state__in=RELEASED_STATES, case__is_state_secret=False,
        state=Assignment.State.APPROVED,
    )


def reporter_results(case: Case) -> list[UnitResult]:
    """Each unit's letter and photos, for the reporter's tracked page (three queries, none
    before the reply was released or for a state secret)."""
    if case.is_state_secret or case.state not in RELEASED_STATES:
        return []
    return unit_results(reporter_assignments(case.pk),
                        letter_url=lambda pk: reverse("public:result_letter", args=[pk]),
                        photo_url=lambda pk: reverse("public:result_photo", args=[pk]))


def get_reporter_photo(case_id: int, pk: int) -> DraftPhoto:
    """An evidence photo of the reporter's released result, or 404 for any other."""
    try:
        return released_photos(reporter_assignments(case_id)).get(pk=pk)
    except DraftPhoto.DoesNotExist:
        raise Http404 from None


def get_reporter_assignment(case_id: int, pk: int) -> Assignment:
    """A unit's approved share of the reporter's released result, or 404 for any other."""
    try:
        return reporter_assignments(case_id).select_related("case", "unit").get(pk=pk)
    except Assignment.DoesNotExist:
        raise Http404 from None
