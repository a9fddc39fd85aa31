"""Who handles what: areas, units, categories and the roles people hold.

This app imports no other app of ours.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.text import normalize_line

# Art. 8.2a: a unit sets its own handling time, at most six working days.
MAX_PROCESSING_DAYS = 6


class Area(models.Model):
    """An administrative area: the province, its districts and communes."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District, town or city")
        COMMUNE = "commune", _("Commune, ward or township")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent area"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A handling unit (Art. 1.1a, 2.5)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Provincial department or agency")
        LOCAL = "local", _("District or commune people's committee")
        CENTRAL = "central", _("Central agency in the province")
        ENTERPRISE = "enterprise", _("Public-service enterprise")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    area = models.ForeignKey(
        Area, verbose_name=_("parent area"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="units",
    )
    phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    processing_days = models.PositiveSmallIntegerField(
        _("handling time in working days"),
        default=MAX_PROCESSING_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PROCESSING_DAYS)],
        help_text=_("At most six working days (Art. 8.2a)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processing_days__gte=1)
                & models.Q(processing_days__lte=MAX_PROCESSING_DAYS),
                name="unit_processing_days_within_regulation",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = normalize_line(self.name)
        super().save(*args, **kwargs)


class Category(models.Model):
    """A group of feedback (Art. 7.3b), e.g. roads, lighting, environment."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    needs_photos = models.BooleanField(
        _("reply needs evidence photos"),
        default=False,
        help_text=_("A draft reply must carry at least one photo of the handled issue (Art. 8.3)."),
    )
    suggested_units = models.ManyToManyField(
        Unit, verbose_name=_("usually handled by"), blank=True, related_name="categories"
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role in a handling unit (Art. 17.1: at least one leader and one staff)."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Unit staff")
        LEADER = "leader", _("Unit leader")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("unit membership")
        verbose_name_plural = _("unit memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="membership_once_per_unit")
        ]
        indexes = [models.Index(fields=["unit", "role"], name="membership_unit_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class ProvinceRole(models.Model):
    """A role at the province's level: the coordination centre or a supervisor."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        SUPERVISOR = "supervisor", _("Supervisor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="province_roles",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("province role")
        verbose_name_plural = _("province roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="province_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
