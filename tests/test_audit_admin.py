"""Every change made in the admin, to any model, is audited with the administrator, the
address, the object and the names of the fields changed, never their values (SECURITY AU1)."""

import pytest
from django.urls import reverse

from routing.models import AuditEvent, Category
from tests.factories import CategoryFactory, UserFactory
from workflow.models import CalendarDay

pytestmark = pytest.mark.django_db

ADMIN_IP = "192.0.2.77"


def admin_changes() -> list[tuple]:
    return [(e.object_type, e.object_id, e.detail)
            for e in AuditEvent.objects.filter(action=AuditEvent.Action.ADMIN_CHANGED)
            .order_by("pk")]


def test_adding_a_category_in_the_admin_is_audited(admin_client, admin_user):
    response = admin_client.post(reverse("admin:routing_category_add"), {
        "code": "water", "name": "Cấp nước", "name_en": "Water", "position": 3,
        "is_active": "on",
    }, REMOTE_ADDR=ADMIN_IP)
    assert response.status_code == 302
    category = Category.objects.get(code="water")
    event = AuditEvent.objects.get(action=AuditEvent.Action.ADMIN_CHANGED)
    assert (event.actor, event.ip, event.outcome) == (admin_user, ADMIN_IP, "ok")
    assert admin_changes() == [("routing.category", str(category.pk), {"change": "added"})]


def test_changing_a_category_names_the_fields_and_not_their_values(admin_client):
    category = CategoryFactory(code="roads", name="Giao thông", position=1)
    response = admin_client.post(reverse("admin:routing_category_change", args=[category.pk]), {
        "code": "roads", "name": "Giao thông đường bộ", "name_en": "", "position": 1,
        "is_active": "on",
    }, REMOTE_ADDR=ADMIN_IP)
    assert response.status_code == 302
    assert admin_changes() == [("routing.category", str(category.pk),
                                {"change": "changed", "fields": ["Name"]})]
    assert "đường bộ" not in str(admin_changes())


def test_deleting_on_the_delete_page_is_audited(admin_client, admin_user):
    category = CategoryFactory()
    response = admin_client.post(reverse("admin:routing_category_delete", args=[category.pk]),
                                 {"post": "yes"}, REMOTE_ADDR=ADMIN_IP)
    assert response.status_code == 302
    assert admin_changes() == [("routing.category", str(category.pk), {"change": "deleted"})]
    assert AuditEvent.objects.get(action=AuditEvent.Action.ADMIN_CHANGED).ip == ADMIN_IP


@pytest.mark.parametrize("how_many", [1, 3])
def test_deleting_with_the_list_action_audits_each_object_once(admin_client, how_many):
    categories = CategoryFactory.create_batch(how_many)
    response = admin_client.post(reverse("admin:routing_category_changelist"), {
        "action": "delete_selected", "_selected_action": [c.pk for c in categories],
        "post": "yes",
    }, REMOTE_ADDR=ADMIN_IP)
    assert response.status_code == 302
    assert not Category.objects.filter(pk__in=[c.pk for c in categories]).exists()
    assert sorted(admin_changes()) == sorted(
        ("routing.category", str(c.pk), {"change": "deleted"}) for c in categories)
    assert set(AuditEvent.objects.filter(action=AuditEvent.Action.ADMIN_CHANGED)
               .values_list("ip", flat=True)) == {ADMIN_IP}


def test_the_delete_confirmation_page_alone_records_nothing(admin_client):
    category = CategoryFactory()
    response = admin_client.post(reverse("admin:routing_category_changelist"), {
        "action": "delete_selected", "_selected_action": [category.pk]})
    assert response.status_code == 200
    assert admin_changes() == []


def test_a_change_to_another_apps_model_is_audited_the_same_way(admin_client):
    response = admin_client.post(reverse("admin:workflow_calendarday_add"), {
        "date": "2026-09-02", "kind": CalendarDay.Kind.DAY_OFF, "name": "Quốc khánh",
    }, REMOTE_ADDR=ADMIN_IP)
    assert response.status_code == 302
    day = CalendarDay.objects.get(date="2026-09-02")
    assert admin_changes() == [("workflow.calendarday", str(day.pk), {"change": "added"})]


def test_resetting_a_password_in_the_admin_is_audited_without_the_password(admin_client,
                                                                          admin_user):
    user = UserFactory(username="clerk")
    new_password = "Mật-khẩu-mới-rất-dài-2026"
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
        REMOTE_ADDR=ADMIN_IP,
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    event = AuditEvent.objects.get(action=AuditEvent.Action.ADMIN_CHANGED)
    assert (event.actor, event.ip, event.object_type, event.object_id) == (
        admin_user, ADMIN_IP, "auth.user", str(user.pk))
    assert event.detail == {"change": "changed", "fields": ["password"]}
    assert new_password not in str(list(AuditEvent.objects.values()))
