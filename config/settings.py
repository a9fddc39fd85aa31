"""Settings for every deployment: they differ only by environment (see .env.example).

PostgreSQL is the only database, and Redis serves the cache and the Celery broker. With no
environment at all they are the local services `make run` starts (scripts/start-services):
PostgreSQL on 127.0.0.1:5432 as user postgres, database cong1022, and Redis on 127.0.0.1:6379.
"""

from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.environment import BASE_DIR, VAR_DIR, env, secret

DEBUG = env("DEBUG")
SECRET_KEY = secret("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_fsm",
    "routing",
    "workflow",
    "feedback",
    "publishing",
    "reports",
    "project",  # the demo and the benchmark; imports every app, none imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.IdleTimeoutMiddleware",
    "config.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "routing.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = env("ROOT_URLCONF", default="config.urls")
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.province",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------------------
LOCAL_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cong1022"
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"
DATABASES = {"default": env.db("DATABASE_URL", default=LOCAL_DATABASE_URL)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database (postgres://...)")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"].setdefault("TEST", {})["NAME"] = env("TEST_DATABASE_NAME", default=None)
# JIT compiles for seconds on the reports' index-driven aggregates, which run in less.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# Parameters bound by the server, and statements a connection repeats prepared once
# (from their fifth run; Django turns psycopg's preparing off unless told): PostgreSQL
# parses and plans the queue's, the case page's and the submission's queries once per
# connection instead of every time (a fifth of the case page's time). Set
# DATABASE_SERVER_SIDE_BINDING=false to bind in the client and prepare nothing (e.g.
# behind a pooler in transaction mode, which cannot keep prepared statements).
server_side_binding = env.bool("DATABASE_SERVER_SIDE_BINDING", default=True)
DATABASES["default"]["OPTIONS"]["server_side_binding"] = server_side_binding
DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
    env.int("DATABASE_PREPARE_THRESHOLD", default=5) if server_side_binding else None
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default=LOCAL_REDIS_URL)
CACHES = {
    "default": {
        "BACKEND": "config.cache.RedisCache",  # Django's, one client per pool
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="cong1022"),
        "TIMEOUT": 300,
        # A Redis that hangs must not stall pages: fail fast instead.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

# Django's model backend, reading a person's roles with them (one query a page, not three).
AUTHENTICATION_BACKENDS = ["routing.auth.RolesBackend"]

# Sessions live in the database, Django's table read with one plain statement (config/sessions.py):
# a Redis outage logs nobody out (SECURITY RE6).
SESSION_ENGINE = "config.sessions"

# --- Celery ----------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
# A publisher (the on-commit queueing of a request) gives up at once when Redis is down,
# instead of kombu's default of about six seconds of retries: the beat re-queues the
# outbox (SECURITY RE1). Workers reconnect by broker_connection_max_retries, unchanged.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 2}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker logs through LOGGING below, whose formatter redacts (SECURITY AU3), instead of
# replacing the root logger's handlers with its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
# The beat's schedule is assembled at the end of this file, once every setting it reads is set.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Auth ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "staff:login"
SESSION_COOKIE_AGE = env.int("STAFF_IDLE_TIMEOUT_SECONDS", default=15 * 60)
# A request pushes the idle time-out ahead once this many seconds have passed since the
# last push, not at every request (config.middleware.IdleTimeoutMiddleware).
SESSION_REFRESH_SECONDS = env.int("STAFF_IDLE_REFRESH_SECONDS", default=60)
# Wrong passwords for many names from one address (workflow/address_limit.py): past this many
# names in the window the address is slowed to one attempt per SLOW seconds, except for
# browsers that logged in under the name before (a signed cookie kept this many days).
STAFF_LOGIN_ADDRESS_NAMES = env.int("STAFF_LOGIN_ADDRESS_NAMES", default=30)
STAFF_LOGIN_ADDRESS_WINDOW_SECONDS = env.int("STAFF_LOGIN_ADDRESS_WINDOW_SECONDS", default=15 * 60)
STAFF_LOGIN_ADDRESS_SLOW_SECONDS = env.int("STAFF_LOGIN_ADDRESS_SLOW_SECONDS", default=10)
STAFF_KNOWN_BROWSER_DAYS = env.int("STAFF_KNOWN_BROWSER_DAYS", default=90)
# Keys that encrypt secrets at rest (two-factor secrets): Fernet keys, comma-separated; the
# first encrypts, all decrypt (rotation: put the new key first, run `manage.py
# rotate_field_keys`, then drop the old one). Empty: one key derived from SECRET_KEY
# (routing/field_encryption.py), which the entry "secret-key" also names.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

# --- Language and time -----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads are private: they are served only through permission-checked views, which read
# them through the storage (never a path or a URL of the store; SECURITY AC2). They live
# under MEDIA_ROOT, a volume every web and worker container shares, or in an S3-compatible
# bucket once AWS_STORAGE_BUCKET_NAME is set.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = None
MEDIA_BUCKET = env("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_STORAGE: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if MEDIA_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            # Empty: Amazon S3 itself; else the store's address (MinIO, a provider's S3).
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("AWS_S3_REGION_NAME", default="") or None,
            # Empty: boto3 finds credentials itself (an instance role, ~/.aws).
            "access_key": secret("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": secret("AWS_SECRET_ACCESS_KEY", default="") or None,
            # "path" for stores without a host name per bucket (MinIO); "auto" otherwise.
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="auto"),
            "signature_version": "s3v4",
            # No public URLs: objects keep the bucket's (private) policy, and any URL the
            # storage is asked for is signed and expires in minutes. Nothing of ours asks.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Security --------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Own origin only, no inline code, no framing, forms post home (SECURITY AC6).
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
)
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# HSTS preloading is decided by the owner of the whole domain (e.g. tayninh.gov.vn), not by
# one portal on a subdomain: it stays opt-in, so tell check --deploy (SECURITY AC7).
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- The province (any province runs the same release) --------------------------------------
PROVINCE = {
    "name": env("PROVINCE_NAME", default="Tây Ninh"),
    "portal_name": env("PORTAL_NAME", default="Cổng 1022 Tây Ninh"),
    "coordinator_name": env(
        "COORDINATOR_NAME", default="Trung tâm Giám sát, điều hành đô thị thông minh"
    ),
    "people_committee": env("PEOPLE_COMMITTEE_NAME", default="UBND TỈNH TÂY NINH"),
    "place": env("PROVINCE_PLACE_NAME", default="Tây Ninh"),
    "hotline": env("HOTLINE", default="0276.1022"),
    "hotline_hours": env("HOTLINE_HOURS", default="07:00–11:30, 13:30–17:00"),
    "email": env("INTAKE_EMAIL", default="1022@tayninh.gov.vn"),
    "facebook_url": env("FACEBOOK_URL", default="https://www.facebook.com/1022TayNinh"),
    "zalo_name": env("ZALO_NAME", default="Cổng 1022 Tây Ninh"),
    "portal_url": env("PORTAL_URL", default="https://1022.tayninh.gov.vn/"),
    "app_name": env("MOBILE_APP_NAME", default="Tây Ninh Smart"),
    # The department that issues the periodic reports (Art. 13.7).
    "reporting_body": env("REPORTING_BODY_NAME", default="Sở Thông tin và Truyền thông"),
}

# --- Working time (WORKFLOW.md) ------------------------------------------------------------
# Blocks of the working day, local time; Monday=0 … Sunday=6.
WORKING_HOURS = env.list("WORKING_HOURS", default=["07:00-11:30", "13:30-17:00"])
WORKING_WEEKDAYS = [int(d) for d in env.list("WORKING_WEEKDAYS", default=["0", "1", "2", "3", "4"])]
REMINDER_FRACTION = env.float("REMINDER_FRACTION", default=0.75)

# --- Logging ---------------------------------------------------------------------------------
# Every line, runserver's access log ("django.server") included, passes through
# config.redaction: no API key, token, code, e-mail or phone reaches the output (SECURITY AU3).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "config.redaction.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEFAULT_LOGGING, on with DEBUG) does not redact: the
        # "django" records reach the root's handler instead. No ADMINS are set, so its
        # mail_admins handler sent nothing.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Public portal: submissions, uploads, rate limits (feedback, publishing) ------------------
# Photos of a submission (SECURITY IN2): checked from their bytes, re-encoded, never stored as sent.
PUBLIC_PHOTO_MAX_BYTES = env.int("PUBLIC_PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
PUBLIC_PHOTO_MAX_COUNT = env.int("PUBLIC_PHOTO_MAX_COUNT", default=5)
# Decompression-bomb limit, read from the header before any pixel is decoded (Pillow's own
# MAX_IMAGE_PIXELS follows it). Decoding costs time by the pixel whatever the file's size:
# a 100 kB PNG can declare 50 megapixels, seconds of a core. A phone's ordinary photo (12 to
# 24 megapixels) passes; its 50-megapixel mode does not.
PUBLIC_PHOTO_MAX_PIXELS = env.int("PUBLIC_PHOTO_MAX_PIXELS", default=40_000_000)
# Stored photos are scaled down to this long edge; evidence stays legible, disks stay small.
PUBLIC_PHOTO_MAX_EDGE = env.int("PUBLIC_PHOTO_MAX_EDGE", default=4096)
# Videos of a submission (MP4 or WebM, checked from their bytes, metadata blanked). The web
# server's request-body limit must allow photos plus videos.
PUBLIC_VIDEO_MAX_BYTES = env.int("PUBLIC_VIDEO_MAX_BYTES", default=50 * 1024 * 1024)
PUBLIC_VIDEO_MAX_COUNT = env.int("PUBLIC_VIDEO_MAX_COUNT", default=2)
# Rate limits (SECURITY AC4) as (hits, window in seconds), counted in the cache (Redis in
# production). Submissions count per IP and per phone; lookups count failures only.
PUBLIC_RATE_LIMITS = {
    "submit:ip": (env.int("RATE_SUBMIT_PER_IP", default=10), 3600),
    "submit:phone": (env.int("RATE_SUBMIT_PER_PHONE", default=5), 3600),
    "track:ip": (env.int("RATE_TRACK_FAILURES_PER_IP", default=20), 900),
    "track:code": (env.int("RATE_TRACK_FAILURES_PER_CODE", default=20), 3600),
    "track:phone": (env.int("RATE_TRACK_FAILURES_PER_PHONE", default=20), 3600),
}
# The privacy notice shown before submission (SECURITY DP2); bump it when the text changes.
PRIVACY_NOTICE_VERSION = env("PRIVACY_NOTICE_VERSION", default="2026-11b")
PROVINCE.setdefault(
    "public_service_portal_url",
    env("PUBLIC_SERVICE_PORTAL_URL", default="https://dichvucong.tayninh.gov.vn/"),
)

# --- Messages: SMS, e-mail, Facebook and Zalo, the mailbox, one-time codes ----------------------
from config.settings_messages import *  # noqa: E402, F403 — every name there is a setting
from config.settings_messages import (  # noqa: E402 — the ones read below
    EMAIL_INTAKE_HOST,
    MESSAGE_RATE_LIMITS,
    OUTBOX_BREAKER_PROBE_SECONDS,
)

PUBLIC_RATE_LIMITS.update(MESSAGE_RATE_LIMITS)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default=f"{PROVINCE['portal_name']} <noreply@localhost>"
)

# --- Audit log: the client's address (SECURITY AU1) -------------------------------------------
# How many reverse proxies of ours stand in front of the application, each appending to
# X-Forwarded-For. 0: the header is ignored and REMOTE_ADDR is the client (a client can write
# any X-Forwarded-For it likes, so it is only read behind proxies that are known to be there).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Open311 GeoReport v2 (feedback/open311) ---------------------------------------------------
# The jurisdiction_id Open311 clients may send; any other value is refused.
OPEN311_JURISDICTION_ID = env("OPEN311_JURISDICTION_ID", default="tayninh.gov.vn")

# --- Retention (SECURITY DP6, WORKFLOW.md "Records (Art. 12)") --------------------------------
# Rejected cases (with their events, messages and files) are deleted this many days after the
# rejection; closed cases lose the reporter's contact data this many days after closing, while
# the public record stays. `manage.py retention` does it by hand; the beat does it nightly
# (CELERY_BEAT_SCHEDULE below).
RETENTION_REJECTED_DAYS = env.int("RETENTION_REJECTED_DAYS", default=30)
RETENTION_ANONYMISE_DAYS = env.int("RETENTION_ANONYMISE_DAYS", default=365)
# The sent-messages table of the demo and development (SENT_MESSAGES_BACKENDS) holds codes and
# addresses: its rows are deleted this many days after they were written.
SENT_MESSAGES_RETENTION_DAYS = env.int("SENT_MESSAGES_RETENTION_DAYS", default=7)
# An abuse list entry (Art. 18.2) is deleted this many days after it was added; one the
# coordinator switched off has no purpose left and goes at the next run.
ABUSE_LIST_RETENTION_DAYS = env.int("ABUSE_LIST_RETENTION_DAYS", default=365)
# Reporters' requests to see, correct or delete their personal data (SECURITY DP7). Decree
# 356/2025 asks for an answer within 2 working days of the request; the time to carry it out
# is the province's to set with its legal office (working days, counted like case deadlines).
DATA_REQUEST_ANSWER_WORKING_DAYS = env.int("DATA_REQUEST_ANSWER_WORKING_DAYS", default=2)
DATA_REQUEST_COMPLETE_WORKING_DAYS = env.int("DATA_REQUEST_COMPLETE_WORKING_DAYS", default=10)

# --- Periodic reports (Art. 13.7; reports/schedule.py) ------------------------------------------
# The draft of each report is made this many working days before its due date (the 20th), and
# the supervisors are told; the beat looks once a day, so a missed day is caught up the next.
REPORT_DRAFT_LEAD_WORKING_DAYS = env.int("REPORT_DRAFT_LEAD_WORKING_DAYS", default=5)
# A unit's signed reply letter (a PDF from its document system) may be this large at most.
SIGNED_LETTER_MAX_BYTES = env.int("SIGNED_LETTER_MAX_BYTES", default=10 * 1024 * 1024)

# --- JSON API: photos uploaded ahead of a submission (feedback/api/uploads.py) ---------------
# How long an upload token (and its re-encoded photo, held in the cache) stays usable, and
# how many photos one address may upload per hour.
API_UPLOAD_TOKEN_SECONDS = env.int("API_UPLOAD_TOKEN_SECONDS", default=3600)
PUBLIC_RATE_LIMITS["upload:ip"] = (env.int("RATE_API_UPLOADS_PER_IP", default=60), 3600)

# --- The beat: every periodic task, in one place -------------------------------------------------
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {
        "task": "workflow.tasks.sweep_deadlines_task",
        "schedule": env.float("DEADLINE_SWEEP_SECONDS", default=60.0),
    },
    # New cases' possible duplicates, before the coordinator first opens them.
    "find-duplicates": {
        "task": "workflow.tasks.find_duplicates_task",
        "schedule": env.float("DUPLICATE_SWEEP_SECONDS", default=60.0),
    },
    # The web form's submissions are built into cases on commit; this catches any left
    # behind (the broker down, a task lost).
    "build-submissions": {
        "task": "feedback.tasks.build_submissions_task",
        "schedule": env.float("SUBMISSION_SWEEP_SECONDS", default=60.0),
    },
    # What is pending and due is queued again: a message written while Redis or the worker
    # was down goes out within a minute of their return.
    "deliver-outbox": {
        "task": "workflow.tasks.deliver_outbox_task",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=60.0),
    },
    # While the SMS gateway's circuit breaker is open: is it answering again?
    "probe-sms-gateway": {
        "task": "workflow.tasks.probe_sms_gateway_task",
        "schedule": OUTBOX_BREAKER_PROBE_SECONDS,
    },
    "retention": {
        "task": "workflow.tasks.purge_retention_task",
        "schedule": crontab(hour=2, minute=30),  # CELERY_TIMEZONE: 02:30 in the province
    },
    "prepare-report-drafts": {
        "task": "reports.tasks.prepare_report_drafts_task",
        "schedule": crontab(hour=6, minute=15),  # CELERY_TIMEZONE: 06:15 in the province
    },
    # The 1022 mailbox, only where one is configured.
    **({"fetch-email": {
        "task": "feedback.tasks.fetch_email_task",
        "schedule": env.float("EMAIL_INTAKE_SECONDS", default=120.0),
    }} if EMAIL_INTAKE_HOST else {}),
}
