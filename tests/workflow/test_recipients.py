"""The coordinators told of every new case, and of a case returned, approved or reopened:
kept in the cache (routing.recipients)."""

from routing.models import ProvinceRole
from tests.conftest import MONDAY, cache_down
from tests.factories import UserFactory, province_user
from tests.workflow import drive
from workflow import services
from workflow.models import OutboxMessage


def told_of(province, **case) -> set[int]:
    """The staff told by e-mail of a new case."""
    received = province.receive(**case)
    return set(OutboxMessage.objects.filter(case=received, to_reporter=False)
               .values_list("recipient_user_id", flat=True))


def test_a_new_case_is_mailed_to_every_active_coordinator(province):
    second = province_user(ProvinceRole.Role.COORDINATOR, username="coord-2")
    assert told_of(province) == {province.coordinator_user.pk, second.pk}


def test_a_coordinator_given_the_role_is_told_of_the_next_case(province):
    told_of(province)  # the list is kept
    newcomer = UserFactory(username="newcomer")
    ProvinceRole.objects.create(user=newcomer, role=ProvinceRole.Role.COORDINATOR)
    assert newcomer.pk in told_of(province)


def test_a_coordinator_who_left_or_lost_the_role_is_not_told_of_the_next_case(province):
    leaving = province_user(ProvinceRole.Role.COORDINATOR, username="leaving")
    moving = province_user(ProvinceRole.Role.COORDINATOR, username="moving")
    assert {leaving.pk, moving.pk} <= told_of(province)
    leaving.is_active = False
    leaving.save()
    ProvinceRole.objects.filter(user=moving).delete()
    assert told_of(province) == {province.coordinator_user.pk}


def test_a_coordinator_without_an_address_is_told_once_they_give_one(province):
    user = province.coordinator_user
    user.email = ""
    user.save()
    assert told_of(province) == set()
    user.email = "dieu-phoi@example.gov.vn"
    user.save()
    assert told_of(province) == {user.pk}


def test_with_the_cache_down_the_list_is_read_from_the_database(province, settings):
    cache_down(settings)
    for _ in range(2):
        assert told_of(province) == {province.coordinator_user.pk}


def told(case, template: str) -> set[int]:
    return set(OutboxMessage.objects.filter(case=case, template=template)
               .values_list("recipient_user_id", flat=True))


def test_the_coordinators_with_an_address_are_told_of_a_return_an_approval_and_a_reopening(
        province):
    second = province_user(ProvinceRole.Role.COORDINATOR, username="coord-2")
    province_user(ProvinceRole.Role.COORDINATOR, username="no-address", email="")
    gone = province_user(ProvinceRole.Role.COORDINATOR, username="gone")
    gone.is_active = False
    gone.save()
    coordinators = {province.coordinator_user.pk, second.pk}

    returned = drive.assigned(province, MONDAY)
    services.return_assignment(assignment_id=drive.assignment_of(returned, province.roads).pk,
                               reason="Không thuộc thẩm quyền của đơn vị.",
                               actor=province.roads_staff, now=MONDAY + drive.STEP * 3)
    assert told(returned, "staff_case_returned") == coordinators

    reopened = drive.reopened(province, MONDAY)
    assert told(reopened, "staff_case_approved") == coordinators
    assert told(reopened, "staff_case_reopened") == coordinators
