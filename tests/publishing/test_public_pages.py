"""Published answers: only public cases, no personal data, search without diacritics (Art. 3.3,
10.3, 12.2; SECURITY DP3, DP4, IN1)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from routing.models import Area
from tests.conftest import MONDAY
from tests.feedback.support import TRACKED, track
from tests.workflow import drive
from workflow import services

pytestmark = pytest.mark.django_db

HOME = reverse("publishing:home")
ANSWERS = reverse("publishing:answers")

# Distinctive strings that must never reach a public page.
PUBLIC_REPORTER = {
    "reporter_name": "Lương Thị Rò Rỉ",
    "reporter_phone": "0987654321",
    "reporter_email": "ro-ri@leak.example",
    "reporter_address": "Số 77 Hẻm Lộ Lọt",
}
CONFIDENTIAL_TITLE = "Tiêu đề kín Qx7 mật danh"
CONFIDENTIAL_CONTENT = "Nội dung kín Qx7 không được lộ"
SECRET_TITLE = "Bí mật nhà nước Zk9 kho vũ khí"
SECRET_CONTENT = "Nội dung tuyệt mật Zk9"


def english(client) -> None:
    client.cookies["django_language"] = "en"


def publish(province, now=MONDAY, **kwargs):
    return drive.published(province, now, **kwargs)


def publish_as(province, visibility: str, now=MONDAY, **kwargs):
    case = drive.approved(province, now, **kwargs)
    return services.publish_case(case_id=case.pk, visibility=visibility, reply_text="Trả lời.",
                                 actor=province.coordinator, now=now + timedelta(hours=1))


def test_no_personal_data_confidential_or_secret_case_reaches_a_public_page(client, province):
    public = publish(province, title="Cống thoát nước bị tắc", **PUBLIC_REPORTER)
    confidential = publish_as(province, "confidential", title=CONFIDENTIAL_TITLE,
                              content=CONFIDENTIAL_CONTENT, is_confidential=True,
                              reporter_name="Người Kín Đáo Qx7")
    secret = publish_as(province, "state_secret", title=SECRET_TITLE, content=SECRET_CONTENT)
    other = publish(province, title="Đèn tín hiệu hỏng", reporter_phone="0911111111")
    forbidden = [
        *PUBLIC_REPORTER.values(), CONFIDENTIAL_TITLE, CONFIDENTIAL_CONTENT, "Người Kín Đáo Qx7",
        SECRET_TITLE, SECRET_CONTENT,
        public.tracking_code, public.display_code, confidential.tracking_code,
        confidential.display_code, secret.tracking_code, secret.display_code,
    ]
    urls = [
        HOME, ANSWERS, f"{ANSWERS}?q=Qx7", f"{ANSWERS}?q=Zk9", f"{ANSWERS}?q=ro+ri",
        f"{ANSWERS}?q=cong", reverse("publishing:answer", args=[public.pk]),
        reverse("publishing:answer", args=[other.pk]),
        reverse("public:channels"), reverse("public:rules"), reverse("public:privacy"),
    ]
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append((url, response.content.decode()))
    track(client, other.tracking_code, "0911111111")
    pages.append(("track", client.get(TRACKED).content.decode()))
    assert "Đèn tín hiệu hỏng" in pages[-1][1]
    assert "Cống thoát nước bị tắc" in pages[0][1]
    for url, html in pages:
        for value in forbidden:
            assert value not in html, (url, value)
    for case in (confidential, secret):
        assert client.get(reverse("publishing:answer", args=[case.pk])).status_code == 404


def test_unpublished_cases_have_no_public_page(client, province):
    approved = drive.approved(province, MONDAY)
    received = province.receive()
    for case in (approved, received):
        assert client.get(reverse("publishing:answer", args=[case.pk])).status_code == 404


def test_a_reopened_case_leaves_the_public_list(client, province):
    case = drive.reopened(province, MONDAY, title="Rác thải tồn đọng")
    assert "Rác thải tồn đọng" not in client.get(ANSWERS).content.decode()
    assert client.get(reverse("publishing:answer", args=[case.pk])).status_code == 404


def test_the_public_page_shows_question_reply_units_timeline_and_the_notice(client, province):
    english(client)
    case = publish(province, title="Ổ gà trên quốc lộ 22")
    html = client.get(reverse("publishing:answer", args=[case.pk])).content.decode()
    assert "Ổ gà trên quốc lộ 22" in html
    assert "Đã thay bóng đèn." in html
    assert "Sở Giao thông vận tải" in html
    assert "02/03/2026 08:00" in html  # received
    assert "02/03/2026 09:00" in html  # published, six steps of ten minutes later
    assert "Reply published" in html
    assert "not a legal basis for settling civil relations" in html


def test_the_list_shows_the_newest_answer_first(client, province):
    publish(province, MONDAY, title="Câu hỏi cũ")
    publish(province, MONDAY + timedelta(days=1), title="Câu hỏi mới")
    html = client.get(ANSWERS).content.decode()
    assert html.index("Câu hỏi mới") < html.index("Câu hỏi cũ")


def published_by_power(province, now, **kwargs):
    """A case handled by the power company instead of the roads department."""
    case = drive.assigned(province, now, units=[province.power], **kwargs)
    assignment = drive.assignment_of(case, province.power)
    step = timedelta(minutes=10)
    services.accept_assignment(assignment_id=assignment.pk, actor=province.power_staff,
                               now=now + 3 * step)
    services.submit_draft(assignment_id=assignment.pk, actor=province.power_staff,
                          now=now + 4 * step, body="Đã sửa đường dây.")
    services.approve_assignment(assignment_id=assignment.pk, actor=province.power_leader,
                                now=now + 5 * step)
    return services.publish_case(case_id=case.pk, visibility="public", reply_text="Đã sửa.",
                                 actor=province.coordinator, now=now + 6 * step)


def test_the_list_filters_by_category_unit_area_and_date(client, province):
    area = Area.objects.create(code="hoa-thanh", name="Thị xã Hòa Thành", level="district")
    publish(province, MONDAY, title="Việc của sở giao thông", area=area)
    published_by_power(province, MONDAY + timedelta(days=3), title="Việc của điện lực")

    def page(query: str) -> str:
        return client.get(f"{ANSWERS}?{query}").content.decode()

    html = page(f"unit={province.power.pk}")
    assert "Việc của điện lực" in html and "Việc của sở giao thông" not in html
    html = page(f"area={area.pk}")
    assert "Việc của sở giao thông" in html and "Việc của điện lực" not in html
    html = page("published_from=2026-03-04")
    assert "Việc của điện lực" in html and "Việc của sở giao thông" not in html
    html = page("published_to=03/03/2026")
    assert "Việc của sở giao thông" in html and "Việc của điện lực" not in html
    html = page(f"category={province.lighting.pk}")
    assert "Việc của điện lực" not in html and "Việc của sở giao thông" not in html


def test_invalid_filters_are_ignored_not_refused(client, province):
    publish(province, title="Câu hỏi bất kỳ")
    response = client.get(f"{ANSWERS}?unit=nonsense&published_from=x&category=999999")
    assert response.status_code == 200
    assert "Câu hỏi bất kỳ" in response.content.decode()


def test_search_without_diacritics_finds_an_accented_answer(client, province):
    publish(province, title="Đường ngập sâu ở phường 3",
            content="Mỗi khi mưa lớn nước ngập nửa mét.")
    publish(province, title="Cây xanh ngã đổ", content="Cây đổ chắn lối đi.")
    html = client.get(f"{ANSWERS}?q=duong+ngap").content.decode()
    assert "Đường ngập sâu ở phường 3" in html
    assert "Cây xanh ngã đổ" not in html
    html = client.get(f"{ANSWERS}?q=ĐƯỜNG").content.decode()
    assert "Đường ngập sâu ở phường 3" in html


def test_the_public_header_shows_the_portal_hotline_and_navigation(client, settings):
    settings.PROVINCE = {**settings.PROVINCE, "portal_name": "Cổng 1022 Thử",
                         "hotline": "0299.1022"}
    english(client)
    html = client.get(HOME).content.decode()
    assert "Cổng 1022 Thử" in html and "0299.1022" in html
    for url in (reverse("public:submit"), reverse("public:track"), ANSWERS):
        assert f'href="{url}"' in html
    assert "css/public.css" in html and "css/staff.css" not in html
    assert "<script" not in html and "style=" not in html


def test_the_channels_page_comes_from_the_settings(client, settings):
    settings.PROVINCE = {**settings.PROVINCE, "email": "1022@example.gov.vn",
                         "facebook_url": "https://www.facebook.com/thu1022"}
    html = client.get(reverse("public:channels")).content.decode()
    assert "1022@example.gov.vn" in html
    assert "https://www.facebook.com/thu1022" in html


def test_the_staff_pages_keep_the_staff_header(client, province):
    client.force_login(province.coordinator_user)
    html = client.get(reverse("staff:home")).content.decode()
    assert "css/staff.css" in html and "css/public.css" not in html
    assert 'name="robots" content="noindex"' in html


def test_script_in_a_published_answer_is_escaped(client, province):
    case = publish(province, title="<script>alert('t')</script>",
                   content="<img src=x onerror=alert(1)>")
    for url in (ANSWERS, reverse("publishing:answer", args=[case.pk])):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
