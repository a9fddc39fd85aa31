"""What the staff pages keep and read once: action forms rendered once per process while
unbound (workflow.rendered), a person's roles read with the person (routing.auth), the
lists of categories and units kept in the cache (routing.choices), and a queue's rows
written once each (workflow.views.lists.Row)."""

import pytest
from django.urls import reverse

from routing.models import Category, Membership, ProvinceRole
from routing.selectors import actor_for
from tests.conftest import MONDAY, cache_down
from tests.factories import CategoryFactory
from tests.workflow import drive
from workflow import forms
from workflow.views.case import actions as case_views

pytestmark = pytest.mark.django_db

HOME = reverse("staff:home")


@pytest.fixture(autouse=True)
def nothing_kept():
    case_views._FIELDS_HTML.clear()
    yield
    case_views._FIELDS_HTML.clear()


def case_page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(reverse("staff:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- Action forms ------------------------------------------------------------------------------
def test_an_unbound_form_is_rendered_once_and_then_served_as_it_was(client, province):
    case = province.receive()
    first = case_page(client, province.coordinator_user, case)
    kept = dict(case_views._FIELDS_HTML._kept)
    assert kept  # classify, reject, send back for verification...
    second = case_page(client, province.coordinator_user, case)
    assert case_views._FIELDS_HTML._kept == kept  # nothing rendered anew
    assert first.split('name="csrfmiddlewaretoken"')[0] == \
        second.split('name="csrfmiddlewaretoken"')[0]
    for html in kept.values():
        assert "csrfmiddlewaretoken" not in html  # each person's token is added outside


def test_a_kept_form_renders_exactly_as_a_fresh_one(province):
    form = forms.RejectForm(key="reject")
    fresh = case_views.fields_html(form)
    kept = case_views.fields_html(forms.RejectForm(key="reject"))
    assert kept is fresh
    case_views._FIELDS_HTML.clear()
    assert case_views.fields_html(forms.RejectForm(key="reject")) == fresh


def test_a_form_sent_back_with_errors_is_never_kept_nor_served_from_the_store(province):
    unbound = forms.NoteForm(key="keep_result")
    case_views.fields_html(unbound)
    bound = forms.NoteForm({"note": ""}, key="keep_result")
    assert bound.html_key() is None
    assert not bound.is_valid()
    html = case_views.fields_html(bound)
    assert "field-error" in html
    assert len(case_views._FIELDS_HTML._kept) == 1


def test_the_key_holds_the_choices_the_initial_values_and_the_language(province):
    categories = [(1, "Giao thông"), (2, "Chiếu sáng")]
    base = forms.ClassifyForm(key="classify", categories=categories, initial={"category": 1})
    renamed = forms.ClassifyForm(key="classify", categories=[(1, "Giao thông đô thị"),
                                                             (2, "Chiếu sáng")],
                                 initial={"category": 1})
    other_initial = forms.ClassifyForm(key="classify", categories=categories,
                                       initial={"category": 2})
    assert len({base.html_key(), renamed.html_key(), other_initial.html_key()}) == 3
    from django.utils import translation
    with translation.override("en"):
        english = forms.ClassifyForm(key="classify", categories=categories,
                                     initial={"category": 1}).html_key()
    assert english != base.html_key()


def test_a_renamed_category_shows_its_new_name_on_the_next_page(client, province):
    case = province.receive()
    assert province.lighting.name in case_page(client, province.coordinator_user, case)
    province.lighting.name = "Chiếu sáng đô thị"
    province.lighting.save()
    assert "Chiếu sáng đô thị" in case_page(client, province.coordinator_user, case)


def test_two_units_forms_keep_their_own_element_ids(client, province):
    case = drive.assigned(province, MONDAY, units=[province.roads, province.power])
    html = case_page(client, province.coordinator_user, case)
    for assignment in case.assignments.all():
        assert f'id="id_reveal-{assignment.pk}_reason"' in html
        assert f'for="id_reveal-{assignment.pk}_reason"' in html
    assert len(case_views._FIELDS_HTML._kept) < html.count("<form")  # one kept for both
    assert case_views._ID_MARK not in html


def test_each_units_forms_carry_its_own_assignments_ids(client, province):
    roads = drive.processing(province, MONDAY, units=[province.roads, province.power])
    power = roads.case.assignments.get(unit=province.power)
    for html in (case_page(client, province.roads_staff_user, roads.case),
                 case_page(client, province.power_staff_user, power.case)):
        assert case_views._ID_MARK not in html
    roads_html = case_page(client, province.roads_staff_user, roads.case)
    assert f'id="id_draft-{roads.pk}_body"' in roads_html
    assert f'id="id_extend-{roads.pk}_reason"' in roads_html
    power_html = case_page(client, province.power_staff_user, power.case)
    assert f'id="id_return-{power.pk}_reason"' in power_html
    assert f"-{roads.pk}_" not in power_html



def test_an_action_not_available_now_says_who_may_and_why_every_value_escaped():
    action = case_views.ActionView(
        key="approve-7", title="Duyệt <b>kết quả</b>", who="Lãnh đạo đơn vị", url="/x/",
        button="Duyệt", form=None, reason="Chờ <script>alert(1)</script>",
    )
    html = action.html("token")
    assert 'id="action-approve-7"' in html
    assert "Duyệt &lt;b&gt;kết quả&lt;/b&gt;" in html
    assert "Chờ &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html and "<form" not in html

# --- Roles read with the person ----------------------------------------------------------------
def test_the_roles_read_with_the_person_are_those_actor_for_reads(client, province):
    for user in (province.coordinator_user, province.supervisor_user,
                 province.roads_staff_user, province.roads_leader_user):
        client.force_login(user)
        response = client.get(HOME)
        loaded = response.wsgi_request.user
        assert hasattr(loaded, "held_roles")
        fresh = actor_for(type(user).objects.get(pk=user.pk))
        assert actor_for(loaded) == fresh


def test_a_role_taken_away_takes_effect_on_the_next_page(client, province):
    case = drive.assigned(province, MONDAY, units=[province.roads])
    url = reverse("staff:case", args=[case.pk])
    client.force_login(province.roads_staff_user)
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=province.roads_staff_user).delete()
    assert client.get(url).status_code == 404

    client.force_login(province.coordinator_user)
    assert client.get(url).status_code == 200
    ProvinceRole.objects.filter(user=province.coordinator_user).delete()
    assert client.get(url).status_code == 404


def test_a_unit_made_inactive_gives_its_members_nothing(client, province):
    case = drive.assigned(province, MONDAY, units=[province.roads])
    client.force_login(province.roads_staff_user)
    province.roads.is_active = False
    province.roads.save()
    assert client.get(reverse("staff:case", args=[case.pk])).status_code == 404


def test_a_deactivated_person_is_logged_out(client, province):
    client.force_login(province.coordinator_user)
    province.coordinator_user.is_active = False
    province.coordinator_user.save()
    response = client.get(HOME)
    assert response.status_code == 302
    assert reverse("staff:login") in response["Location"]


# --- The lists of categories and units ---------------------------------------------------------
def test_a_changed_category_or_unit_shows_in_the_filters_on_the_next_page(client, province):
    client.force_login(province.coordinator_user)
    assert province.other.name in page_html(client)
    CategoryFactory(name="Môi trường đô thị", code="environment")
    province.permits.name = "Thủ tục hành chính công"
    province.permits.save()
    province.other.is_active = False
    province.other.save()
    html = page_html(client)
    assert "Môi trường đô thị" in html and "Thủ tục hành chính công" in html
    assert province.other.name not in html
    Category.objects.filter(pk=province.permits.pk).delete()
    assert "Thủ tục hành chính công" not in page_html(client)


def test_with_the_cache_down_the_lists_are_read_from_the_database(client, province, settings):
    cache_down(settings)
    client.force_login(province.coordinator_user)
    for _ in range(2):
        html = page_html(client)
        assert province.permits.name in html and province.power.name in html


def test_a_form_sent_to_an_action_is_checked_against_the_database_not_the_cache(client,
                                                                                province):
    case = province.receive()
    client.force_login(province.coordinator_user)
    assert province.permits.name in case_page(client, province.coordinator_user, case)
    Category.objects.filter(pk=province.permits.pk).update(is_active=False)  # no signal
    response = client.post(reverse("staff:classify", args=[case.pk]),
                           {"classify-category": province.permits.pk})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.category_id is None


# --- A queue's rows ----------------------------------------------------------------------------
def page_html(client, url: str = HOME) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_queue_row_shows_each_cell_of_its_case(client, province):
    case = province.receive(title="Cống thoát nước bị tắc & tràn")
    client.force_login(province.coordinator_user)
    html = page_html(client)
    url = reverse("staff:case", args=[case.pk])
    assert f'<a href="{url}">{case.display_code}</a></td>' in html
    assert "<td>Cống thoát nước bị tắc &amp; tràn</td><td>—</td><td>Đã tiếp nhận</td>" in html


def test_an_overdue_row_is_marked_and_a_units_row_names_its_unit(client, province):
    assignment = drive.processing(province, MONDAY)  # its deadline is long past
    client.force_login(province.roads_staff_user)
    html = page_html(client)
    row = html[html.index('<tr class="is-overdue">'):]
    row = row[:row.index("</tr>")]
    assert assignment.case.display_code in row
    assert f"<td>{province.roads.name}</td>" in row
    assert '<strong class="badge badge--overdue">Quá hạn</strong>' in row
