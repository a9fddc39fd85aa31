"""Text typed in a legacy TCVN3 or VNI encoding is pointed out to the citizen before it is
sent, with our reading of it (SECURITY IN3, IN5): everything typed is kept, and the form
can be sent as it is, with no JavaScript."""

from html.parser import HTMLParser

import pytest

from tests.feedback.support import send, submission
from workflow.models import Case

pytestmark = pytest.mark.django_db

SH = "\u00ad"  # TCVN3's ư
TCVN3_TITLE = f"§{SH}êng ngËp sau m{SH}a"
TCVN3_CONTENT = f"N{SH}íc ngËp s©u nöa mÐt trªn ®{SH}êng TrÇn H{SH}ng §¹o."
VNI_CONTENT = "Nöôùc ngaäp saâu nöûa meùt treân ñöôøng Traàn Höng Ñaïo."
READING = "Nước ngập sâu nửa mét trên đường Trần Hưng Đạo."


class FormValues(HTMLParser):
    """What a browser sends back from the page's form: its inputs, textareas and selects."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "submit"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.values[name] = a.get("value") or ("on" if a.get("type") == "checkbox"
                                                       else "")
        elif tag == "textarea" and name:
            self._textarea, self.values[name] = name, ""
        elif tag == "select" and name:
            self._select, self.values[name] = name, ""
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html: str) -> dict[str, str]:
    parser = FormValues()
    parser.feed(html)
    parser.values.pop("csrfmiddlewaretoken", None)
    # A textarea's first line break belongs to the markup (HTML: it is dropped).
    return {k: v.removeprefix("\n") for k, v in parser.values.items()}


def english(client) -> None:
    client.cookies["django_language"] = "en"


def test_a_tcvn3_title_and_content_are_pointed_out_with_their_reading_and_kept(client):
    english(client)
    data = submission(title=TCVN3_TITLE, content=TCVN3_CONTENT)
    warned = send(client, data)
    assert warned.status_code == 200
    html = warned.content.decode()
    assert "Your text seems typed in the old TCVN3 font encoding, not in Unicode." in html
    assert "Đường ngập sau mưa" in html and READING in html
    assert not Case.objects.exists()
    kept = form_values(html)
    for name in ("title", "content", "location_text", "reporter_name", "reporter_email"):
        assert kept[name] == data[name]


def test_the_citizen_sends_the_warned_form_as_it_is_and_the_text_is_kept_whole(client):
    warned = send(client, submission(title=TCVN3_TITLE, content=TCVN3_CONTENT))
    assert send(client, form_values(warned.content.decode())).status_code == 302
    case = Case.objects.get()
    assert (case.title, case.content) == (TCVN3_TITLE, TCVN3_CONTENT)


def test_vni_content_under_a_unicode_title_is_pointed_out_too(client):
    english(client)
    html = send(client, submission(content=VNI_CONTENT)).content.decode()
    assert "Your text seems typed in the old VNI font encoding, not in Unicode." in html
    assert READING in html
    assert not Case.objects.exists()


def test_the_notice_is_in_vietnamese_on_the_vietnamese_page(client):
    html = send(client, submission(content=VNI_CONTENT)).content.decode()
    assert "Văn bản của Quý vị có vẻ được gõ bằng bảng mã cũ VNI" in html
    assert READING in html


def test_unicode_vietnamese_is_sent_at_once(client):
    assert send(client, submission()).status_code == 302
    assert Case.objects.count() == 1
