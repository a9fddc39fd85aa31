"""What the tests of the case page's actions share: posting as a user, reading the page as a
person reads it, a photo as a phone sends it, and uploads kept in the test's own folder."""

import html as html_lib
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

HOME = reverse("staff:home")
REQUIRED_VI = "Trường này là bắt buộc."  # Django's own "This field is required." in Vietnamese


def case_url(case) -> str:
    return reverse("staff:case", args=[case.pk])


def post(client, user, name: str, pk: int, data=None):
    client.force_login(user)
    return client.post(reverse(f"staff:{name}", args=[pk]), data or {})


def english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def text(response) -> str:
    return html_lib.unescape(response.content.decode())


def reload(obj):
    obj.refresh_from_db()
    return obj


def photo(fmt: str = "JPEG", name: str = "anh.jpg", size=(64, 48)) -> SimpleUploadedFile:
    buffer = BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Camera of the unit"  # Make; a photo's metadata must not be stored
    image.save(buffer, fmt, exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
