"""`manage.py load_demo`'s options and refusals, each on an empty database of its own."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from workflow.models import Case
from workflow.worktime import invalidate_calendar


@pytest.fixture(autouse=True)
def isolated(settings, tmp_path):
    # Evidence photos go to a temporary folder; the calendar cache must not outlive the
    # test's rows.
    settings.MEDIA_ROOT = tmp_path
    invalidate_calendar()
    yield
    invalidate_calendar()


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


def test_the_password_can_be_chosen_with_an_environment_variable(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Another-demo-password-2026")
    output = load_demo()
    assert get_user_model().objects.get(username="dieuphoi").check_password(
        "Another-demo-password-2026"
    )
    assert "Another-demo-password-2026" in output


def test_a_weak_demo_password_is_refused(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "123456")
    with pytest.raises(CommandError):
        load_demo()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_the_demo_is_refused_on_a_production_configuration_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())
    assert not Case.objects.exists()
