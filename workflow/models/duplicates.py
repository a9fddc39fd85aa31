"""Possible duplicates of a case, found once and kept (the coordinator's case page).

Comparing a title with every case of a 60-day window costs a second at a million cases; a
case page must answer in tens of milliseconds. So the search runs once per case, when the
coordinator first opens it (every new case passes through their hands at intake), and each
match is stored both ways: the earlier case's page then lists the later one too.
The coordinator closes a case as a duplicate of a listed one (Case.close_as_duplicate) or
dismisses the suggestion, both ways at once; a dismissed one is no longer listed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DuplicateCandidate(models.Model):
    case = models.ForeignKey("workflow.Case", on_delete=models.CASCADE,  # duplicate_once_per_pair
                             related_name="duplicate_candidates", db_index=False)
    other = models.ForeignKey("workflow.Case", on_delete=models.CASCADE, related_name="+")
    # Whether the two were sent from one phone; the phone itself is on the cases only.
    same_phone = models.BooleanField(default=False)
    similarity = models.FloatField(_("title similarity"), default=0.0)
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["case", "other"], name="duplicate_once_per_pair"),
        ]
