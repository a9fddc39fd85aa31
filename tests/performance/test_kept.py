"""What the staff pages read once and then keep: the session in one statement, a person's
roles read with the person, the filters' lists of categories and units and the coordinators
told of a new case, both kept in the cache until one of them changes."""

from config.sessions import SessionStore
from routing.models import Membership
from routing.recipients import coordinators_to_mail
from tests.factories import member
from tests.performance.staff import HOME, opened, signed_in

# The staff home of a person with roles in two units: session, the person with all their
# roles in one query (routing.auth), and the queue; the filters' lists come from the cache
# (routing.choices).
TWO_UNITS_HOME_QUERIES = 3
# The coordinator's home: session and the person with their roles; the queue and the
# filters' lists are kept.
COORDINATOR_HOME_QUERIES = 2
# After a category or unit changed: the filters' lists of units and categories read afresh,
# once, and the queue, whose rows name them, counted again.
LISTS_READ_AGAIN_QUERIES = 5


def test_a_staff_session_is_read_back_with_one_statement(client, province,
                                                        django_assert_max_num_queries):
    client.force_login(province.roads_staff_user)
    with django_assert_max_num_queries(1):
        data = SessionStore(session_key=client.session.session_key).load()
    assert data["_auth_user_id"] == str(province.roads_staff_user.pk)


def test_the_staff_home_of_a_person_with_roles_in_two_units_stays_under_its_ceiling(
        client, province, django_assert_max_num_queries):
    person = member(province.roads, Membership.Role.LEADER, username="two-units")
    Membership.objects.create(user=person, unit=province.power, role=Membership.Role.STAFF)
    signed_in(client, person)
    opened(client, HOME, TWO_UNITS_HOME_QUERIES, django_assert_max_num_queries)


def test_after_a_change_the_filters_lists_are_read_once_then_come_from_the_cache(
        client, province, django_assert_max_num_queries):
    signed_in(client, province.coordinator_user)
    opened(client, HOME, COORDINATOR_HOME_QUERIES, django_assert_max_num_queries)
    province.power.save()
    html = opened(client, HOME, LISTS_READ_AGAIN_QUERIES, django_assert_max_num_queries)
    assert province.power.name in html
    opened(client, HOME, TWO_UNITS_HOME_QUERIES, django_assert_max_num_queries)


def test_the_coordinators_to_mail_are_read_once_then_come_from_the_cache(
        province, django_assert_max_num_queries):
    province.coordinator_user.save()  # a change: the next reading is afresh
    with django_assert_max_num_queries(1):
        assert coordinators_to_mail() == [province.coordinator_user.pk]
    with django_assert_max_num_queries(0):
        assert coordinators_to_mail() == [province.coordinator_user.pk]
