"""With no gateway configured, messages are kept for administrators, never printed (AU3)."""

import subprocess
import sys

import pytest
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from config import settings as shipped
from feedback.channels.backends import get_channel_backend
from tests.factories import UserFactory
from workflow.models import SentMessage
from workflow.notifications.backends import get_sms_backend

pytestmark = pytest.mark.django_db

SMS, EMAIL, CHANNEL = (shipped.SENT_MESSAGES_BACKENDS[k] for k in ("sms", "email", "channel"))


def test_the_shipped_defaults_keep_sms_email_and_replies_in_the_sent_messages_table():
    # Read from the settings module itself: pytest-django swaps EMAIL_BACKEND for locmem.
    assert (shipped.SMS_BACKEND, shipped.EMAIL_BACKEND, shipped.CHANNEL_REPLY_BACKEND) == (
        SMS, EMAIL, CHANNEL)


def test_an_sms_an_email_and_a_reply_are_kept_with_their_recipient_and_text():
    get_sms_backend(SMS).send("0912345678", "Ma tra cuu AB12CD34EF", reference="c1022-1")
    EmailMessage("Phản ánh đã nhận", "Mã tra cứu AB12CD34EF", to=["an@example.vn"],
                 connection=get_connection(EMAIL)).send()
    get_channel_backend(CHANNEL).send("zalo", "zalo-user-77", "Đã nhận", reference="event:3")

    kept = {(m.kind, m.recipient, m.subject, m.body, m.reference)
            for m in SentMessage.objects.all()}

    assert kept == {
        ("sms", "0912345678", "", "Ma tra cuu AB12CD34EF", "c1022-1"),
        ("email", "an@example.vn", "Phản ánh đã nhận", "Mã tra cứu AB12CD34EF", ""),
        ("zalo", "zalo-user-77", "", "Đã nhận", "event:3"),
    }


def test_administrators_read_the_sent_messages_in_the_admin(admin_client):
    get_sms_backend(SMS).send("0912345678", "Ma OTP 482913")
    message = SentMessage.objects.get()

    listing = admin_client.get(reverse("admin:workflow_sentmessage_changelist"))
    page = admin_client.get(reverse("admin:workflow_sentmessage_change", args=[message.pk]))

    assert listing.status_code == 200 and "0912345678" in listing.content.decode()
    assert page.status_code == 200 and "482913" in page.content.decode()


def test_staff_with_every_permission_but_not_administrators_cannot_read_them(client):
    get_sms_backend(SMS).send("0912345678", "Ma OTP 482913")
    message = SentMessage.objects.get()
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="workflow"))
    client.force_login(staff)

    listing = client.get(reverse("admin:workflow_sentmessage_changelist"))
    page = client.get(reverse("admin:workflow_sentmessage_change", args=[message.pk]))
    index = client.get(reverse("admin:index"))

    assert (listing.status_code, page.status_code) == (403, 403)
    assert "sentmessage" not in index.content.decode()


def test_the_console_email_backend_is_refused_since_it_prints_whole_messages(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; "
         "settings.INSTALLED_APPS"],
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE":
             "config.settings", "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
             "PYTHONPATH": str(shipped.BASE_DIR)},
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "EMAIL_BACKEND" in result.stderr
