"""The personal data inventory is a registry each app fills for its own models (DP1)."""

import pytest
from django.core.mail import EmailMessage

from feedback.models import Attachment
from workflow.models import Case
from workflow.privacy import inventory


def test_each_app_lists_its_own_fields_in_the_one_inventory():
    names = inventory.personal_data()

    assert "feedback.Attachment.file" in names
    assert "workflow.Case.reporter_phone" in names
    assert "routing.AuditEvent.ip" in names


def test_asking_for_a_field_no_app_listed_names_it():
    with pytest.raises(KeyError, match="workflow.Case.title"):
        inventory.personal_field("workflow.Case.title")


def test_a_field_of_an_unknown_class_is_refused():
    with pytest.raises(ValueError, match="feedback.Attachment.sha256"):
        inventory.register_personal_field(Attachment, "sha256", category="secret",
                                          purpose="x", retention="y")
    assert "feedback.Attachment.sha256" not in inventory.personal_data()


def test_the_personal_fields_of_a_case_are_those_listed_for_cases():
    case = Case(reporter_name="Nguyễn Văn An", reporter_phone="0912345678")

    fields = inventory.personal_fields_of(case)

    assert fields["reporter_name"] == "Nguyễn Văn An"
    assert set(fields) == {"reporter_name", "reporter_phone", "reporter_email",
                           "reporter_address", "latitude", "longitude"}


TEXT_FIELDS = {"CharField", "TextField", "EmailField", "JSONField", "GenericIPAddressField"}


def _columns_holding(value: str):
    """Every text column of our apps' tables that holds `value`, as "app.Model.field"."""
    from django.apps import apps
    from django.db.models import TextField
    from django.db.models.functions import Cast

    for model in apps.get_models():
        if model._meta.app_label not in {"workflow", "feedback", "routing", "publishing",
                                         "reports", "auth"}:
            continue
        for field in model._meta.concrete_fields:
            if field.get_internal_type() not in TEXT_FIELDS:
                continue
            rows = model._base_manager.annotate(_text=Cast(field.name, TextField()))
            if rows.filter(_text__icontains=value).exists():
                yield f"{model._meta.app_label}.{model.__name__}.{field.name}"


@pytest.mark.django_db
def test_wherever_a_reporters_contact_is_stored_the_field_is_in_the_inventory(province):
    from workflow import services
    from workflow.notifications.sent import EmailBackend, SmsBackend

    phone, email, address = "0987001122", "khach.rieng@example.vn", "Số 9 hẻm Riêng Tư"
    case = province.receive(reporter_phone=phone, reporter_email=email,
                            reporter_address=address)
    for kind in ("phone", "email", "address"):
        services.add_reporter_to_abuse_list(case_id=case.pk, kind=kind, reason="Quấy rối",
                                            actor=province.coordinator, now=case.received_at)
    SmsBackend().send(phone, "Ma tra cuu")
    EmailBackend().send_messages([EmailMessage("Đã nhận", "Mã tra cứu", to=[email])])

    holding = {name for value in (phone, email, address.casefold())
               for name in _columns_holding(value)}

    assert "workflow.AbuseListEntry.value" in holding
    assert holding - set(inventory.personal_data()) == set()
