"""The personal data inventory is a registry each app fills for its own models (DP1)."""

import pytest

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
