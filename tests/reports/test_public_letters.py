"""The public copy of a reply letter carries what the coordinator published (Art. 10), not a
unit's draft they changed; each unit of a shared case keeps its own answer when published as
written. Read back with pdftotext."""

import pytest
from django.urls import reverse

from publishing.letters import public_results
from routing.selectors import REPORTER
from tests.conftest import at
from tests.reports.test_documents import flat, pdf_text
from tests.workflow import drive
from workflow import services

START = at(2026, 3, 2, 8, 0)
ROADS_DRAFT = "Sở Giao thông vận tải đã thay ba bóng đèn trước nhà ông An, số 12 đường 30/4."
ROADS_PUBLISHED = "Sở Giao thông vận tải đã thay ba bóng đèn trên đường 30/4."
POWER_DRAFT = "Điện lực Tây Ninh đã kiểm tra và sửa đường dây cấp điện cho trụ đèn."


def public_letters(case_id: int):
    """The letters the public case page links (publishing.letters.public_results)."""
    return [result.letter for result in public_results(case_id)]


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client
    return login


def approve(p, case, unit, staff, leader, body, when):
    assignment = drive.assignment_of(case, unit)
    services.accept_assignment(assignment_id=assignment.pk, actor=staff, now=when)
    services.submit_draft(assignment_id=assignment.pk, actor=staff, now=when + drive.STEP,
                          body=body)
    services.approve_assignment(assignment_id=assignment.pk, actor=leader,
                                now=when + 2 * drive.STEP)
    return assignment


def publish(p, case, text, when):
    return services.publish_case(case_id=case.pk, visibility="public", reply_text=text,
                                 actor=p.coordinator, now=when)


def public_texts(client, case, tmp_path) -> dict[str, str]:
    return {link.unit: flat(pdf_text(client.get(link.url).content, tmp_path))
            for link in public_letters(case.pk)}


@pytest.mark.django_db
def test_a_single_units_public_letter_carries_the_reply_as_published(province, client,
                                                                    client_of, tmp_path):
    case = drive.assigned(province, START)
    assignment = approve(province, case, province.roads, province.roads_staff,
                         province.roads_leader, ROADS_DRAFT, START + 3 * drive.STEP)
    publish(province, case, ROADS_PUBLISHED, START + 6 * drive.STEP)

    [public] = public_texts(client, case, tmp_path).values()
    assert ROADS_PUBLISHED in public and "nhà ông An" not in public
    staff = flat(pdf_text(client_of(province.roads_leader_user).get(
        reverse("letters:reply", args=[assignment.pk])).content, tmp_path))
    assert ROADS_DRAFT in staff  # the unit's own copy is the draft its leader approved


@pytest.mark.django_db
def test_each_unit_of_a_shared_case_keeps_its_own_answer_when_published_as_written(
    province, client, tmp_path
):
    p = province
    case = drive.assigned(p, START, units=[p.roads, p.power])
    approve(p, case, p.roads, p.roads_staff, p.roads_leader, ROADS_DRAFT, START + 3 * drive.STEP)
    approve(p, case, p.power, p.power_staff, p.power_leader, POWER_DRAFT, START + 3 * drive.STEP)
    publish(p, case, f"{ROADS_DRAFT}\n\n{POWER_DRAFT}", START + 6 * drive.STEP)

    texts = public_texts(client, case, tmp_path)
    roads, power = texts[p.roads.name], texts[p.power.name]
    assert ROADS_DRAFT in roads and POWER_DRAFT not in roads
    assert POWER_DRAFT in power and ROADS_DRAFT not in power


@pytest.mark.django_db
def test_a_shared_cases_part_the_coordinator_edited_gives_way_to_the_published_reply(
    province, client, tmp_path
):
    p = province
    case = drive.assigned(p, START, units=[p.roads, p.power])
    approve(p, case, p.roads, p.roads_staff, p.roads_leader, ROADS_DRAFT, START + 3 * drive.STEP)
    approve(p, case, p.power, p.power_staff, p.power_leader, POWER_DRAFT, START + 3 * drive.STEP)
    publish(p, case, f"{ROADS_PUBLISHED}\n\n{POWER_DRAFT}", START + 6 * drive.STEP)

    texts = public_texts(client, case, tmp_path)
    roads, power = texts[p.roads.name], texts[p.power.name]
    # The edit cannot be traced to the roads part alone: the whole published reply, and
    # never the words the coordinator took out.
    assert ROADS_PUBLISHED in roads and POWER_DRAFT in roads and "nhà ông An" not in roads
    assert POWER_DRAFT in power and ROADS_PUBLISHED not in power


@pytest.mark.django_db
def test_a_republished_reply_is_a_new_public_letter_not_the_cached_one(province, client,
                                                                       tmp_path):
    p = province
    case = drive.assigned(p, START)
    assignment = approve(p, case, p.roads, p.roads_staff, p.roads_leader, ROADS_DRAFT,
                         START + 3 * drive.STEP)
    publish(p, case, ROADS_PUBLISHED, START + 6 * drive.STEP)
    url = reverse("publishing:letter", args=[assignment.pk])
    first = client.get(url).content
    assert client.get(url).content == first  # served from the cache, byte for byte

    later = at(2026, 3, 4, 8, 0)
    services.reopen_case(case_id=case.pk, actor=REPORTER, now=later)
    services.reprocess_case(case_id=case.pk, unit_ids=[p.roads.pk], note="Còn một bóng hỏng.",
                            actor=p.coordinator, now=later + drive.STEP)
    services.submit_draft(assignment_id=assignment.pk, actor=p.roads_staff,
                          now=later + 2 * drive.STEP, body=ROADS_DRAFT + " Đã thay thêm một bóng.")
    services.approve_assignment(assignment_id=assignment.pk, actor=p.roads_leader,
                                now=later + 3 * drive.STEP)
    republished = ROADS_PUBLISHED + " Đã thay thêm bóng đèn thứ tư."
    publish(p, case, republished, later + 4 * drive.STEP)

    text = flat(pdf_text(client.get(url).content, tmp_path))
    assert republished in text and "nhà ông An" not in text
