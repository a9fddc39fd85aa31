"""Signal receivers of the workflow app."""

from typing import Any

from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CalendarDay, OfficialYear
from .worktime import invalidate_calendar

_CALENDAR_SETTINGS = frozenset({"WORKING_HOURS", "WORKING_WEEKDAYS", "TIME_ZONE"})


@receiver(post_save, sender=CalendarDay, dispatch_uid="worktime_calendar_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="worktime_calendar_day_deleted")
@receiver(post_save, sender=OfficialYear, dispatch_uid="worktime_official_year_saved")
@receiver(post_delete, sender=OfficialYear, dispatch_uid="worktime_official_year_deleted")
def forget_calendar_on_edit(**kwargs: Any) -> None:
    # Now, so this request sees its own edit; again after commit, because another thread
    # may have reloaded the old rows in between (other processes wait for RELOAD_SECONDS).
    invalidate_calendar()
    transaction.on_commit(invalidate_calendar, using=kwargs.get("using"))


@receiver(setting_changed, dispatch_uid="worktime_setting_changed")
def forget_calendar_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    # Tests override the working hours; a cached calendar would keep the old ones.
    if setting in _CALENDAR_SETTINGS:
        invalidate_calendar()
