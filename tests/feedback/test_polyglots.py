"""Files that are two things at once, and files that lie about their name (SECURITY IN2).

A photo is decoded and encoded afresh, so whatever rode along with the pixels (a page
after the image data, a script in a comment or a text chunk, a Java archive) is not in
the stored file. A file named .jpg that is really a page is refused.
"""

import io
import zipfile

import pytest
from PIL import Image, PngImagePlugin

from feedback.models import Attachment
from tests.feedback.support import jpeg_with_gps, png_bytes, send, submission, upload
from workflow.models import Case

pytestmark = pytest.mark.django_db

PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"
TRACES = (b"<script", b"alert(", b"document.cookie", b"<html", b"PK\x03\x04", b"Evil.class")


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def a_java_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as jar:
        jar.writestr("META-INF/MANIFEST.MF", "Main-Class: Evil\n")
        jar.writestr("Evil.class", b"\xca\xfe\xba\xbe" + PAYLOAD)
    return out.getvalue()


def jpeg_with_script_comment() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 90, 200)).save(out, "JPEG", comment=PAYLOAD)
    return out.getvalue()


def png_with_script_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", PAYLOAD.decode())
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 90)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


POLYGLOTS = {
    "jpeg then a page": (jpeg_with_gps() + PAYLOAD, "x.jpg"),
    "png then a page": (png_bytes() + PAYLOAD, "x.png"),
    "jpeg then a java archive (GIFAR-like)": (jpeg_with_gps() + a_java_archive(), "x.jpg"),
    "png then a java archive": (png_bytes() + a_java_archive(), "x.png"),
    "jpeg with a script in its comment": (jpeg_with_script_comment(), "x.jpg"),
    "png with a script in a text chunk": (png_with_script_text(), "x.png"),
}


@pytest.mark.parametrize("content, name", POLYGLOTS.values(), ids=POLYGLOTS.keys())
def test_a_polyglot_photo_is_stored_re_encoded_with_no_trace_of_its_payload(client, content,
                                                                          name):
    assert any(trace in content for trace in TRACES)  # the payload really is in the upload
    response = send(client, {**submission(), "photos": [upload(content, name)]})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as f:
        stored = f.read()
    for trace in TRACES:
        assert trace not in stored
    assert stored != content
    with Image.open(io.BytesIO(stored)) as image:  # and it is still the picture
        image.verify()


@pytest.mark.parametrize("content", [
    b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    b"\xef\xbb\xbf<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(1)//;",  # a GIF that is also a script
    a_java_archive(),
    b"\xff\xd8\xff\xe0" + PAYLOAD,  # a JPEG signature and nothing of a JPEG
])
def test_a_file_named_jpg_that_is_no_photo_is_refused(client, content):
    response = send(client, {**submission(),
                                    "photos": [upload(content, "holiday.jpg", "image/jpeg")]})
    assert response.status_code == 400
    assert not Case.objects.exists() and not Attachment.objects.exists()
    html = response.content.decode()
    assert "A file is not a photo we can read. Send JPEG, PNG or WebP photos." in html
    assert "Nước ngập sâu nửa mét" in html
