"""The audit log (SECURITY AU1–AU3): who, when, from where, what; rows never change."""

import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from routing.audit import client_ip, record
from routing.models import AuditEvent, Membership, ProvinceRole
from tests.factories import UserFactory


def rows(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# --- The client's address ----------------------------------------------------------------------
def test_the_address_is_remote_addr_and_a_forwarded_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10",
                                   HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert client_ip(request) == "192.0.2.10"


def test_behind_one_trusted_proxy_the_address_it_appended_is_used(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote the first entry itself; our proxy appended the second.
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5",
                                   HTTP_X_FORWARDED_FOR="203.0.113.99, 192.0.2.10")
    assert client_ip(request) == "192.0.2.10"


def test_an_address_that_is_not_one_is_not_stored():
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="not-an-ip")) is None


@pytest.mark.django_db
def test_a_record_takes_the_user_and_the_address_from_the_request():
    user = UserFactory()
    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8::1")
    request.user = user
    event = record(AuditEvent.Action.EXPORT, request=request, obj=user, rows=12)
    assert (event.actor, event.ip, event.detail) == (user, "2001:db8::1", {"rows": 12})
    assert (event.object_type, event.object_id) == ("auth.user", str(user.pk))


@pytest.mark.django_db
def test_detail_keys_that_may_hold_a_secret_are_dropped():
    event = record(AuditEvent.Action.CONFIG_CHANGED, password="x1", otp_code="123456",
                   api_token="t", reporter_phone="0912345678", setting="SMS_BACKEND")
    assert event.detail == {"setting": "SMS_BACKEND"}


# --- Append-only (AU2) --------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_orm_refuses_to_change_or_delete_an_audit_row():
    event = record(AuditEvent.Action.EXPORT)
    event.outcome = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(outcome="changed")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db
def test_the_database_itself_refuses_to_change_or_delete_an_audit_row():
    event = record(AuditEvent.Action.EXPORT)
    for sql in ("UPDATE routing_auditevent SET outcome = 'x' WHERE id = %s",
                "DELETE FROM routing_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).outcome == "ok"


# --- Role changes -------------------------------------------------------------------------------
def test_granting_changing_and_removing_a_unit_role_is_audited(province):
    user = UserFactory(username="new-member")
    membership = Membership.objects.create(user=user, unit=province.roads,
                                           role=Membership.Role.STAFF)
    membership.role = Membership.Role.LEADER
    membership.save()
    membership.delete()
    changes = [
        (r.detail["change"], r.detail["role"], r.detail["unit_id"], r.detail["user_id"])
        for r in rows(AuditEvent.Action.ROLE_CHANGED)
        if r.object_type == "routing.membership" and r.detail["user_id"] == user.pk
    ]
    assert changes == [
        ("granted", "staff", province.roads.pk, user.pk),
        ("changed", "leader", province.roads.pk, user.pk),
        ("revoked", "leader", province.roads.pk, user.pk),
    ]


def test_a_province_role_given_in_the_admin_names_the_administrator(admin_client, admin_user):
    user = UserFactory(username="future-coordinator")
    response = admin_client.post(
        reverse("admin:routing_provincerole_add"),
        {"user": user.pk, "role": ProvinceRole.Role.COORDINATOR},
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_CHANGED,
                                   object_type="routing.provincerole")
    assert event.actor == admin_user and event.ip == "192.0.2.44"
    assert event.detail == {"change": "granted", "user_id": user.pk, "role": "coordinator"}


def test_making_someone_a_superuser_is_audited(db):
    user = UserFactory(username="promoted")
    user.is_superuser = True
    user.save()
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_CHANGED, object_id=str(user.pk))
    assert event.detail == {"change": "changed", "user_id": user.pk, "is_superuser": True}


def test_a_log_in_does_not_count_as_a_role_change(client, province):
    client.force_login(province.roads_staff_user)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGED,
                                         object_type="auth.user").exists()


# --- Permission denied --------------------------------------------------------------------------
def test_a_refused_staff_page_is_audited(client, province):
    client.force_login(province.roads_staff_user)
    response = client.get(reverse("staff:hotline"), REMOTE_ADDR="192.0.2.8")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERMISSION_DENIED)
    assert (event.actor, event.ip, event.outcome) == (province.roads_staff_user, "192.0.2.8",
                                                       "denied")
    assert event.detail == {"path": reverse("staff:hotline")}


# --- The admin: read the log, never write it ------------------------------------------------------
def test_the_audit_log_is_readable_in_the_admin(admin_client, province):
    record(AuditEvent.Action.EXPORT, username_tried="someone")
    response = admin_client.get(reverse("admin:routing_auditevent_changelist"))
    assert response.status_code == 200
    assert "someone" in response.content.decode()


def test_the_admin_cannot_add_change_or_delete_an_audit_row(admin_client, db):
    event = record(AuditEvent.Action.EXPORT)
    assert admin_client.get(reverse("admin:routing_auditevent_add")).status_code == 403
    assert admin_client.post(reverse("admin:routing_auditevent_delete", args=[event.pk]),
                             {"post": "yes"}).status_code == 403
    change = admin_client.post(reverse("admin:routing_auditevent_change", args=[event.pk]),
                               {"outcome": "changed"})
    assert change.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).outcome == "ok"


def test_the_two_factor_admin_never_shows_the_secret(admin_client, province):
    from routing.models import TwoFactorDevice

    device = TwoFactorDevice.objects.create(user=province.coordinator_user,
                                            secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    response = admin_client.get(reverse("admin:routing_twofactordevice_change",
                                        args=[device.pk]))
    assert response.status_code == 200
    assert device.secret not in response.content.decode()
    assert device.secret not in json.dumps([e.detail for e in AuditEvent.objects.all()])


def test_resetting_someones_two_factor_in_the_admin_is_audited(admin_client, admin_user,
                                                                province):
    from routing.models import TwoFactorDevice

    device = TwoFactorDevice.objects.create(user=province.coordinator_user,
                                            secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    response = admin_client.post(
        reverse("admin:routing_twofactordevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TwoFactorDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONFIG_CHANGED)
    assert event.actor == admin_user
    assert event.detail == {"change": "two_factor_reset",
                            "user_id": province.coordinator_user.pk}
