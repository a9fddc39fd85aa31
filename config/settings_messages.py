"""Settings of the messages the portal sends and receives: SMS, e-mail, Facebook and Zalo,
the 1022 mailbox and one-time codes. Read by config/settings.py, which takes every name here;
see .env.example for each variable."""

from django.core.exceptions import ImproperlyConfigured

from config.environment import env, secret

# Rate limits of the channels (scope: (requests, seconds)), added to PUBLIC_RATE_LIMITS.
MESSAGE_RATE_LIMITS: dict[str, tuple[int, int]] = {}

# --- Notifications: outbox delivery, SMS and e-mail (WORKFLOW.md Notifications, RE4) ---------
# Where no gateway is configured (the demo, development), SMS, e-mail and Facebook/Zalo
# replies are kept in a table administrators read in the admin ("sent messages"), never
# printed: the server's output holds no one-time code, tracking code or address (AU3).
SENT_MESSAGES_BACKENDS = {
    "sms": "workflow.notifications.sent.SmsBackend",
    "email": "workflow.notifications.sent.EmailBackend",
    "channel": "workflow.notifications.sent.ChannelBackend",
}
# SMS backend by dotted path, like EMAIL_BACKEND: the sent-messages table (the default),
# ConsoleSmsBackend (prints that a message went, not its text), LocmemSmsBackend (tests) or
# HttpGatewaySmsBackend (a carrier's brand-name gateway, configured below).
SMS_BACKEND = env("SMS_BACKEND", default=SENT_MESSAGES_BACKENDS["sms"])
SMS_GATEWAY = {
    "URL": env("SMS_GATEWAY_URL", default=""),
    "METHOD": env("SMS_GATEWAY_METHOD", default="POST"),
    "BODY": env("SMS_GATEWAY_BODY", default="json"),  # "json" or "form"
    "AUTH": env("SMS_GATEWAY_AUTH", default="none"),  # "none", "basic" or "token"
    "USERNAME": env("SMS_GATEWAY_USERNAME", default=""),
    "PASSWORD": secret("SMS_GATEWAY_PASSWORD", default=""),
    "TOKEN": secret("SMS_GATEWAY_TOKEN", default=""),
    "TOKEN_HEADER": env("SMS_GATEWAY_TOKEN_HEADER", default="Authorization"),
    "TOKEN_PREFIX": env("SMS_GATEWAY_TOKEN_PREFIX", default="Bearer "),
    "SENDER": env("SMS_BRANDNAME", default=""),
    # Our field names ("to", "text", "sender", "reference") to the gateway's, e.g.
    # SMS_GATEWAY_FIELDS=to=Phone,text=Content,sender=Brandname,reference=RequestId
    "FIELDS": env.dict("SMS_GATEWAY_FIELDS", default={}),
    "EXTRA": env.dict("SMS_GATEWAY_EXTRA", default={}),  # fixed fields of every request
    "PHONE_FORMAT": env("SMS_GATEWAY_PHONE_FORMAT", default="84"),  # "84…" or "0…"
    # Success is HTTP 2xx and, when SUCCESS_FIELD is set, that JSON field equal to the value.
    "SUCCESS_FIELD": env("SMS_GATEWAY_SUCCESS_FIELD", default=""),
    "SUCCESS_VALUE": env("SMS_GATEWAY_SUCCESS_VALUE", default=""),
    "ID_FIELD": env("SMS_GATEWAY_ID_FIELD", default=""),
    "CONNECT_TIMEOUT": env.float("SMS_GATEWAY_CONNECT_TIMEOUT", default=3.0),
    # The whole answer, not each read. Keep it at least the gateway's own processing
    # time-out (PROVIDER_TIMEOUT, from the carrier's documentation): a gateway that accepts
    # a message after we gave up makes the retry a second SMS (a system check warns).
    "READ_TIMEOUT": env.float("SMS_GATEWAY_READ_TIMEOUT", default=10.0),
    "PROVIDER_TIMEOUT": env.float("SMS_GATEWAY_PROVIDER_TIMEOUT", default=0.0),  # 0: unknown
    # What the circuit breaker's probe GETs to see the gateway answer (unset: URL).
    "PROBE_URL": env("SMS_GATEWAY_PROBE_URL", default=""),
}
# Vietnamese without diacritics fits 160 GSM-7 characters per SMS instead of 70.
SMS_WITHOUT_DIACRITICS = env.bool("SMS_WITHOUT_DIACRITICS", default=True)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
# Retries wait 30 s, 1, 2, 4 … minutes (with jitter), never more than an hour.
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30.0)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=3600.0)
# How long a worker holds a message it is sending; it must outlast the longest send (the
# gateway's connect and read time-outs), which a system check makes sure of.
OUTBOX_LEASE_SECONDS = env.float("OUTBOX_LEASE_SECONDS", default=120.0)
# The SMS gateway's circuit breaker (workflow/notifications/breaker.py): this many temporary
# failures in a row hold every SMS, without spending attempts, until a probe (every
# OUTBOX_BREAKER_PROBE_SECONDS, by the beat) finds the gateway answering again.
OUTBOX_BREAKER_FAILURES = env.int("OUTBOX_BREAKER_FAILURES", default=5)
OUTBOX_BREAKER_PROBE_SECONDS = env.float("OUTBOX_BREAKER_PROBE_SECONDS", default=60.0)
EMAIL_BACKEND = env("EMAIL_BACKEND", default=SENT_MESSAGES_BACKENDS["email"])
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
    # It prints whole messages, addresses and codes included, into the server's output.
    raise ImproperlyConfigured(
        "EMAIL_BACKEND: Django's console backend prints reporters' addresses and codes; use "
        f"{SENT_MESSAGES_BACKENDS['email']} (the default) to read sent mail in the admin"
    )
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = secret("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- Facebook page and Zalo official account (feedback/channels) --------------------------------
# The webhooks accept a delivery on its signature alone: with an empty secret every delivery
# is refused (403), never accepted unsigned.
FACEBOOK_APP_SECRET = secret("FACEBOOK_APP_SECRET", default="")
FACEBOOK_VERIFY_TOKEN = secret("FACEBOOK_VERIFY_TOKEN", default="")  # the subscription handshake
FACEBOOK_PAGE_ACCESS_TOKEN = secret("FACEBOOK_PAGE_ACCESS_TOKEN", default="")
FACEBOOK_GRAPH_URL = env("FACEBOOK_GRAPH_URL", default="")  # e.g. https://graph.facebook.com/v21.0
ZALO_OA_SECRET_KEY = secret("ZALO_OA_SECRET_KEY", default="")
ZALO_APP_ID = env("ZALO_APP_ID", default="")  # set: deliveries for another app are refused
# A Zalo delivery whose signed timestamp is further than this from our clock is a replay.
ZALO_WEBHOOK_MAX_AGE_SECONDS = env.int("ZALO_WEBHOOK_MAX_AGE_SECONDS", default=300)
ZALO_API_URL = env("ZALO_API_URL", default="")  # e.g. https://openapi.zalo.me/v3.0/oa/message/cs
ZALO_OA_ACCESS_TOKEN = secret("ZALO_OA_ACCESS_TOKEN", default="")
# The sent-messages table (the default), ConsoleChannelBackend, LocmemChannelBackend, or
# PlatformBackend for the platforms' APIs.
CHANNEL_REPLY_BACKEND = env("CHANNEL_REPLY_BACKEND", default=SENT_MESSAGES_BACKENDS["channel"])
CHANNEL_REPLY_CONNECT_TIMEOUT = env.float("CHANNEL_REPLY_CONNECT_TIMEOUT", default=3.0)
CHANNEL_REPLY_READ_TIMEOUT = env.float("CHANNEL_REPLY_READ_TIMEOUT", default=10.0)
# Failed signatures per IP (the sender is then refused for the window), and a flood guard
# over all of a platform's signed deliveries per minute (the platforms retry a 429).
MESSAGE_RATE_LIMITS.update({
    "webhook:ip": (env.int("RATE_WEBHOOK_FAILURES_PER_IP", default=30), 900),
    "webhook:facebook": (env.int("RATE_WEBHOOK_FACEBOOK_PER_MINUTE", default=600), 60),
    "webhook:zalo": (env.int("RATE_WEBHOOK_ZALO_PER_MINUTE", default=600), 60),
})
# Standard replies are accepted only so long after the person's last message: Messenger's
# standard messaging window is 24 hours, a Zalo OA consultation message 7 days. Outside it
# the reply is not sent and its outbox row says so ("skipped"), instead of failing forever.
CHANNEL_REPLY_WINDOW_HOURS = {
    "facebook": env.float("FACEBOOK_REPLY_WINDOW_HOURS", default=24.0),
    "zalo": env.float("ZALO_REPLY_WINDOW_HOURS", default=7 * 24.0),
}
# A gateway's Retry-After (on 429 or 503) is honoured up to this many seconds.
OUTBOX_RETRY_AFTER_MAX_SECONDS = env.float("OUTBOX_RETRY_AFTER_MAX_SECONDS", default=3600.0)

# --- E-mail intake: the 1022 mailbox over IMAP (feedback/channels/email_intake.py) ----------
# Off while EMAIL_INTAKE_HOST is empty. Each new message becomes one received case (once per
# Message-ID) and is then marked \Seen; one that cannot become a case is also \Flagged for
# the operator. `manage.py fetch_email` reads the mailbox by hand.
EMAIL_INTAKE_HOST = env("EMAIL_INTAKE_HOST", default="")
EMAIL_INTAKE_SSL = env.bool("EMAIL_INTAKE_SSL", default=True)  # IMAPS, usually port 993
EMAIL_INTAKE_STARTTLS = env.bool("EMAIL_INTAKE_STARTTLS", default=False)  # plain port + STARTTLS
EMAIL_INTAKE_PORT = env.int("EMAIL_INTAKE_PORT", default=993 if EMAIL_INTAKE_SSL else 143)
EMAIL_INTAKE_USER = env("EMAIL_INTAKE_USER", default="")
EMAIL_INTAKE_PASSWORD = secret("EMAIL_INTAKE_PASSWORD", default="")
EMAIL_INTAKE_MAILBOX = env("EMAIL_INTAKE_MAILBOX", default="INBOX")
EMAIL_INTAKE_TIMEOUT = env.float("EMAIL_INTAKE_TIMEOUT", default=30.0)
EMAIL_INTAKE_BATCH = env.int("EMAIL_INTAKE_BATCH", default=50)  # messages per run at most
EMAIL_INTAKE_MAX_BYTES = env.int("EMAIL_INTAKE_MAX_BYTES", default=30 * 1024 * 1024)

# --- One-time codes by SMS: opening one's feedback without the tracking code (feedback/otp.py) -
# A code lives TTL_SECONDS, allows MAX_ATTEMPTS tries, and is sent synchronously with these
# gateway time-outs (the person is waiting on the page).
PUBLIC_OTP = {
    "TTL_SECONDS": env.int("OTP_TTL_SECONDS", default=5 * 60),
    "MAX_ATTEMPTS": env.int("OTP_MAX_ATTEMPTS", default=5),
    "CONNECT_TIMEOUT": env.float("OTP_SMS_CONNECT_TIMEOUT", default=2.0),
    "READ_TIMEOUT": env.float("OTP_SMS_READ_TIMEOUT", default=5.0),
}
# Sending counts every request, known number or not; checking counts wrong codes only.
MESSAGE_RATE_LIMITS.update({
    "otp_send:ip": (env.int("RATE_OTP_SEND_PER_IP", default=10), 3600),
    "otp_send:phone": (env.int("RATE_OTP_SEND_PER_PHONE", default=3), 900),
    "otp_check:ip": (env.int("RATE_OTP_CHECK_FAILURES_PER_IP", default=20), 900),
    "otp_check:phone": (env.int("RATE_OTP_CHECK_FAILURES_PER_PHONE", default=10), 3600),
})
