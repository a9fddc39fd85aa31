"""Who handles what: areas, units, categories and the roles people hold.

This app imports no other app of ours.
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from config.text import normalize_line

from . import field_encryption, totp

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Art. 8.2a: a unit sets its own handling time, at most six working days.
MAX_PROCESSING_DAYS = 6


class Area(models.Model):
    """An administrative area: the province, its districts and communes."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District, town or city")
        COMMUNE = "commune", _("Commune, ward or township")

    code = models.SlugField(_("code"), max_length=40, db_index=False)  # unique: see Meta
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
        constraints = [models.UniqueConstraint(fields=["code"], name="area_code_unique")]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A handling unit (Art. 1.1a, 2.5)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Provincial department or agency")
        LOCAL = "local", _("District or commune people's committee")
        CENTRAL = "central", _("Central agency in the province")
        ENTERPRISE = "enterprise", _("Public-service enterprise")

    code = models.SlugField(_("code"), max_length=40, db_index=False)  # unique: see Meta
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
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
        indexes = [models.Index(fields=["kind"], name="unit_kind")]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="unit_code_unique"),
            models.CheckConstraint(
                condition=models.Q(processing_days__gte=1)
                & models.Q(processing_days__lte=MAX_PROCESSING_DAYS),
                name="unit_processing_days_within_regulation",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = normalize_line(self.name)
        super().save(*args, **kwargs)


def category_label(name: str, name_en: str) -> str:
    """A category's name in the active language: its English name when English is chosen
    and one is given, else its own (Vietnamese) name. For rows read as values()."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


class Category(models.Model):
    """A group of feedback (Art. 7.3b), e.g. roads, lighting, environment."""

    code = models.SlugField(_("code"), max_length=40, db_index=False)  # unique: see Meta
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
        constraints = [models.UniqueConstraint(fields=["code"], name="category_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name a reader sees, in their language (category_label)."""
        return category_label(self.name, self.name_en)


class Membership(models.Model):
    """A person's role in a handling unit (Art. 17.1: at least one leader and one staff)."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Unit staff")
        LEADER = "leader", _("Unit leader")

    # Looked up by membership_once_per_unit and membership_unit_role, which lead with them.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="memberships", db_index=False,
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships",
        db_index=False,
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

    user = models.ForeignKey(  # looked up by province_role_once, which leads with it
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="province_roles", db_index=False,
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


# --- Audit log and two-factor devices (SECURITY AU1–AU3, AC5) ---------------------------------
class NotificationPreference(models.Model):
    """How a staff member takes their own urgent notices (overdue alerts, a returned case):
    by e-mail always, and by SMS to `sms_phone` too once they choose it. Off by default;
    the phone is read when each message is sent, so a change applies to what is waiting."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    urgent_by_sms = models.BooleanField(
        _("urgent notices by SMS"), default=False,
        help_text=_("Overdue alerts and returned cases also by SMS, not only by e-mail."),
    )
    sms_phone = models.CharField(_("phone for SMS"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(urgent_by_sms=False) | ~Q(sms_phone=""),
                name="notification_sms_needs_phone",
                violation_error_message=_("Give a phone number to receive SMS."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sms_phone = "".join(self.sms_phone.split())
        super().save(*args, **kwargs)


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk UPDATE and DELETE; a database trigger refuses raw SQL as well."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("These rows are append-only.")

    def delete(self) -> NoReturn:
        raise TypeError("These rows are append-only.")


class AppendOnlyModel(models.Model):
    """A log row: written once, never changed or deleted through the application (AU2).

    The audit log and the case event log share it; each also has a PostgreSQL trigger.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("These rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("These rows are append-only.")


class AuditEvent(AppendOnlyModel):
    """Who did what, when, from which address, with what outcome (SECURITY AU1).

    Append-only (AU2). `detail` holds ids and short codes only: never a password, a one-time
    code, a token, a reporter's identity or a citizen's text (AU3).
    """

    class Action(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Log-in failed")
        LOCKED_OUT = "locked_out", _("Locked out")
        LOGGED_OUT = "logged_out", _("Logged out")
        PERMISSION_DENIED = "permission_denied", _("Permission denied")
        ROLE_CHANGED = "role_changed", _("Role changed")
        TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor authentication enabled")
        TWO_FACTOR_FAILED = "two_factor_failed", _("Two-factor code refused")
        CONTACT_REVEALED = "contact_revealed", _("Reporter contact revealed")
        EXPORT = "export", _("Export")
        CONFIG_CHANGED = "config_changed", _("Configuration changed")
        PERSONAL_DATA = "personal_data", _("Personal data request handled")
        CASE_EVENT = "case_event", _("Case event")
        ADMIN_CHANGED = "admin_changed", _("Changed in the admin")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(  # looked up by audit_actor_at, which leads with it
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", db_index=False,
    )
    username_tried = models.CharField(_("user name tried"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    outcome = models.CharField(_("outcome"), max_length=16, default="ok")
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} · {self.get_action_display()} · {self.outcome}"

class SecretNotReadable(RuntimeError):
    """A confirmed device's secret is never read back: only a code is checked against it."""


class TwoFactorDevice(models.Model):
    """A person's TOTP authenticator (RFC 6238), confirmed by a first correct code.

    The secret is stored encrypted (routing/field_encryption.py). In clear it exists only in
    the instance that set it, while the device is unconfirmed (the enrolment page shows it),
    and inside `matching_step`, which checks a code.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="two_factor_device",
    )
    # A Fernet token of the base32 secret; never shown, never logged.
    encrypted_secret = models.TextField(_("encrypted secret"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # The time step of the last accepted code: a code is good once (RFC 6238 §5.2).
    last_used_step = models.BigIntegerField(_("last used time step"), default=0)

    class Meta:
        verbose_name = _("two-factor device")
        verbose_name_plural = _("two-factor devices")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def secret(self) -> str:
        """The clear secret, for the enrolment page only (SecretNotReadable once confirmed,
        unless this very instance was just given it)."""
        known = self.__dict__.get("_clear_secret")
        if known is not None:
            return known
        if self.is_confirmed:
            raise SecretNotReadable("A confirmed two-factor secret is never read back.")
        return field_encryption.decrypt(self.encrypted_secret)

    @secret.setter
    def secret(self, value: str) -> None:
        self.encrypted_secret = field_encryption.encrypt(value)
        self.__dict__["_clear_secret"] = value

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def matching_step(self, code: str, at: float) -> int | None:
        """The unspent time step whose code is `code` at `at` (seconds since the epoch)."""
        secret = field_encryption.decrypt(self.encrypted_secret)
        return totp.matching_step(secret, code, at, self.last_used_step)

    def claim_step(self, step: int) -> bool:
        """Spend a time step whose code was right: True once per step, even when two requests
        race (a conditional UPDATE). Confirms the device on its first code."""
        updated = TwoFactorDevice.objects.filter(pk=self.pk, last_used_step__lt=step).update(
            last_used_step=step,
            confirmed_at=Coalesce(models.F("confirmed_at"), models.Value(timezone.now())),
        )
        if updated:
            self.refresh_from_db(fields=["last_used_step", "confirmed_at"])
        return bool(updated)


class TwoFactorEnrolment(models.Model):
    """The administrator's permission for one person to set up an authenticator, until a time.

    Without it a correct password never leads to enrolment (a stolen password must not let
    someone attach their own authenticator). A successful enrolment deletes the row, so a
    second device needs a new permission.
    """

    HOURS = 24

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="two_factor_enrolment",
    )
    enrol_until = models.DateTimeField(_("may enrol until"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("allowed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    opened_at = models.DateTimeField(_("allowed at"), default=timezone.now)

    class Meta:
        verbose_name = _("two-factor enrolment permission")
        verbose_name_plural = _("two-factor enrolment permissions")

    def __str__(self) -> str:
        return f"{self.user} · {self.enrol_until:%Y-%m-%d %H:%M}"

    @classmethod
    def allow(cls, user: "User", *, by: "User | None" = None, now: datetime | None = None,
              hours: int = HOURS) -> "TwoFactorEnrolment":
        """Open (or reopen) the window. An unconfirmed device left from before is dropped, so
        the enrolment page shows a fresh secret."""
        now = now or timezone.now()
        TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=True).delete()
        window, _created = cls.objects.update_or_create(
            user=user, defaults={"enrol_until": now + timedelta(hours=hours),
                                 "opened_by": by, "opened_at": now},
        )
        return window

    @classmethod
    def is_open(cls, user: "User", now: datetime) -> bool:
        return cls.objects.filter(user=user, enrol_until__gt=now).exists()
