"""The working calendar's data: official schedules and the administrator's changes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficialYear(models.Model):
    """A year whose official schedule was imported: it alone decides that year's days off."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("official schedule")
        verbose_name_plural = _("official schedules")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the ordinary week: a day off or a make-up working day."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKDAY = "workday", _("Make-up working day")

    class Source(models.TextChoices):
        OFFICIAL = "official", _("Official schedule")
        ADMIN = "admin", _("Entered by the administrator")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.ADMIN
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "source"], name="calendar_day_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} · {self.name}"
