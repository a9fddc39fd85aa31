"""Uploads in an S3-compatible bucket: two web and two worker containers share no disk.

The bucket is moto's S3 server on loopback, a real HTTP server that boto3 talks to as it
would to the province's store. Attachments still leave only through the permission-checked
view (SECURITY AC2), which reads them from the bucket.
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer

from feedback.models import Attachment
from tests.feedback.support import jpeg_with_gps, send, submission, upload

from .settings_read import BASE_DIR

BUCKET = "cong1022-media"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-key-id", "AWS_SECRET_ACCESS_KEY": "test-secret-key"}


def storages_from_settings(**env: str) -> dict:
    """STORAGES as config/settings.py makes it from these variables, in a process of its own."""
    script = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES))"
    result = subprocess.run(  # noqa: S603 — our own interpreter, a fixed script
        [sys.executable, "-c", "import django; django.setup(); " + script],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings",
             "SECRET_KEY": "storage-test", "DEBUG": "false", **env},
        capture_output=True, text=True, timeout=60, check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def bucket_storage(s3_endpoint: str) -> dict:
    """The storage config/settings.py makes for a bucket, as an operator would name it."""
    return storages_from_settings(
        AWS_STORAGE_BUCKET_NAME=BUCKET, AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME="us-east-1", AWS_S3_ADDRESSING_STYLE="path", **CREDENTIALS,
    )["default"]


@pytest.fixture
def bucket(s3_endpoint: str, bucket_storage: dict, settings):
    """A fresh bucket, and the settings' storage pointed at it."""
    s3 = boto3.resource("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    created = s3.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": bucket_storage}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "media-in-a-bucket"}}
    yield created
    created.objects.all().delete()
    created.delete()


def test_without_a_bucket_uploads_go_to_the_shared_media_volume() -> None:
    default = storages_from_settings(MEDIA_ROOT="/srv/media")["default"]

    assert default["BACKEND"] == "django.core.files.storage.FileSystemStorage"


@pytest.mark.django_db
def test_a_photo_sent_through_the_public_form_lands_in_the_bucket(client: Client, bucket) -> None:
    send(client, {**submission(), "photos": [upload(jpeg_with_gps())]})

    attachment = Attachment.objects.get()
    keys = [item.key for item in bucket.objects.all()]
    assert keys == [attachment.file.name]
    assert bucket.Object(attachment.file.name).get()["Body"].read().startswith(b"\xff\xd8\xff")


@pytest.mark.django_db
def test_staff_get_the_photo_from_the_bucket_through_the_checked_view(
    client: Client, bucket, province
) -> None:
    send(client, {**submission(), "photos": [upload(jpeg_with_gps())]})
    attachment = Attachment.objects.get()
    stored = bucket.Object(attachment.file.name).get()["Body"].read()
    client.cookies.clear()
    client.force_login(province.coordinator_user)

    response = client.get(reverse("public:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == stored


@pytest.mark.django_db
def test_another_units_staff_get_404_for_a_photo_in_the_bucket(
    client: Client, bucket, province
) -> None:
    send(client, {**submission(), "photos": [upload(jpeg_with_gps())]})
    attachment = Attachment.objects.get()
    client.cookies.clear()
    client.force_login(province.other_staff_user)

    response = client.get(reverse("public:attachment", args=[attachment.pk]))

    assert response.status_code == 404


def test_the_bucket_store_never_makes_an_unsigned_url(bucket) -> None:
    name = default_storage.save("private/attachments/probe", ContentFile(b"x"))

    url = default_storage.url(name)

    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url


@pytest.mark.django_db
def test_readyz_says_the_bucket_answers(client: Client, bucket) -> None:
    response = client.get("/readyz", secure=True)

    assert response.json()["storage"] == "ok"
    assert [item.key for item in bucket.objects.all()] == [], "the probe is left behind"


@pytest.mark.django_db
def test_readyz_answers_503_when_the_bucket_is_missing(client: Client, bucket, settings) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {
        **settings.STORAGES["default"],
        "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "bucket_name": "no-such-bucket"},
    }}

    response = client.get("/readyz", secure=True)

    assert response.status_code == 503
    assert response.json()["storage"] == "error"
