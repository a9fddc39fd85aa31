"""`manage.py load_demo`: a demo province with every role, every state and every visibility."""

import tomllib
import unicodedata
from collections.abc import Iterator
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from project.demo.specs import DATA, cases, province
from project.demo.stories import STEPS
from routing.models import Category, Membership, ProvinceRole, Unit
from routing.selectors import units_without_required_roles
from workflow.models import (
    Assignment,
    Case,
    CaseEvent,
    DeadlineAlert,
    DraftPhoto,
    OfficialYear,
    Visibility,
)
from workflow.worktime import invalidate_calendar

DEMO_PASSWORD = "TayNinh-1022-demo"

# Each test runs in a savepoint of its own: inside the demo's transaction when it reads it.
pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """The demo, loaded once for this module and rolled back after it. Each test that asks
    for it runs in a savepoint of its own inside (pytest-django's `db`), so what a test
    changes is undone before the next one reads the demo."""
    with (django_db_blocker.unblock(),
          # As every test hashes passwords (tests/conftest.py): fast, and checkable later.
          override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
                            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
          transaction.atomic()):
        # The calendar cache must not outlive the demo's rows.
        invalidate_calendar()
        with pytest.MonkeyPatch.context() as patch:
            patch.delenv("DEMO_PASSWORD", raising=False)
            output = load_demo()
        yield output
        transaction.set_rollback(True)
    invalidate_calendar()


def test_the_demo_imports_the_official_calendars(demo):
    assert set(OfficialYear.objects.values_list("year", flat=True)) >= {2024, 2025, 2026}


def test_the_demo_has_units_of_every_kind_with_contacts(demo):
    units = Unit.objects.all()
    assert units.count() >= 8
    assert set(units.values_list("kind", flat=True)) == set(Unit.Kind.values)
    assert all(unit.phone and unit.email and unit.address for unit in units)


def test_the_demo_has_ten_categories_with_english_names_and_units(demo):
    categories = Category.objects.prefetch_related("suggested_units")
    assert categories.count() >= 10
    assert all(c.name_en and c.suggested_units.all() for c in categories)
    assert Category.objects.get(code="chieu-sang").needs_photos


def test_every_role_has_a_login_with_the_demo_password(demo):
    users = get_user_model().objects
    coordinator = users.get(username="dieuphoi")
    supervisor = users.get(username="giamsat")
    administrator = users.get(username="quantri")
    assert ProvinceRole.objects.filter(user=coordinator, role="coordinator").exists()
    assert ProvinceRole.objects.filter(user=supervisor, role="supervisor").exists()
    assert administrator.is_superuser and administrator.is_staff
    for username, role in (("gtvt.canbo", "staff"), ("gtvt.lanhdao", "leader"),
                           ("dienluc.canbo", "staff"), ("dienluc.lanhdao", "leader")):
        assert Membership.objects.filter(user__username=username, role=role).exists()
    for user in (coordinator, supervisor, administrator, users.get(username="gtvt.canbo")):
        assert user.check_password(DEMO_PASSWORD)
        assert user.email.endswith("@demo.tayninh.gov.vn") and user.first_name
    assert not coordinator.is_staff


def test_every_unit_has_a_staff_member_and_a_leader(demo):
    assert units_without_required_roles() == []


def test_the_demo_cases_cover_every_case_state(demo):
    assert Case.objects.count() >= 30
    assert set(Case.objects.values_list("state", flat=True)) == set(Case.State.values)


def test_the_demo_assignments_cover_every_assignment_state(demo):
    assert set(Assignment.objects.values_list("state", flat=True)) == set(
        Assignment.State.values
    )


def test_the_demo_has_a_confidential_and_a_state_secret_publication(demo):
    published = Case.objects.filter(state=Case.State.PUBLISHED)
    assert any(c.visibility == Visibility.CONFIDENTIAL for c in published)
    assert any(c.visibility == Visibility.STATE_SECRET for c in published)
    assert Case.objects.filter(state=Case.State.CLASSIFIED, is_state_secret=True).exists()


def test_the_demo_has_a_multi_unit_a_rerouted_and_an_extended_case(demo):
    cases = Case.objects.prefetch_related("assignments")
    assert any(len([a for a in c.assignments.all() if a.is_active]) > 1 for c in cases)
    assert any(
        {a.state for a in c.assignments.all()} >= {"returned", "processing"} for c in cases
    )
    assert Assignment.objects.filter(is_extended=True, extensions__isnull=False).exists()


def test_the_demo_uses_every_channel(demo):
    assert set(Case.objects.values_list("channel", flat=True)) == set(Case.Channel.values)


def test_every_demo_case_log_starts_with_received(demo):
    for case in Case.objects.all():
        first = CaseEvent.objects.filter(case=case).order_by("at", "pk").first()
        assert first is not None and first.kind == "received", case.title


def test_the_lighting_replies_carry_evidence_photos(demo):
    assert DraftPhoto.objects.filter(
        draft__assignment__case__category__code="chieu-sang"
    ).exists()


def test_the_sweep_has_marked_overdue_deadlines(demo):
    assert DeadlineAlert.objects.filter(kind=DeadlineAlert.Kind.OVERDUE).exists()


def test_a_second_run_creates_no_case_and_prints_the_logins_again(demo):
    cases, events = Case.objects.count(), CaseEvent.objects.count()
    users, memberships = get_user_model().objects.count(), Membership.objects.count()
    output = load_demo()
    assert (Case.objects.count(), CaseEvent.objects.count()) == (cases, events)
    assert (get_user_model().objects.count(), Membership.objects.count()) == (
        users, memberships
    )
    assert "dieuphoi" in output and DEMO_PASSWORD in output


def test_the_output_lists_the_links_and_the_main_logins(demo):
    assert "http://127.0.0.1:8000/staff/" in demo
    assert "http://127.0.0.1:8000/admin/" in demo
    for username in ("quantri", "dieuphoi", "giamsat", "gtvt.canbo", "gtvt.lanhdao",
                     "dienluc.canbo", "dienluc.lanhdao"):
        assert username in demo


def test_the_demo_coordinator_and_administrator_can_enrol_after_loading_it(client, demo):
    cache.clear()  # the log-in counters live in the cache; no test inherits another's
    for username in ("dieuphoi", "quantri"):
        response = client.post(reverse("staff:login"),
                               {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == reverse("staff:two_factor")
        assert client.get(reverse("staff:two_factor")).status_code == 200
        client.cookies.clear()
    # A unit member still logs in with the password alone.
    response = client.post(reverse("staff:login"),
                           {"username": "gtvt.canbo", "password": DEMO_PASSWORD})
    assert response["Location"] == reverse("staff:home")


# --- The data files ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["province.toml", "cases.toml"])
def test_the_demo_data_files_are_toml_in_nfc(name):
    text = (DATA / name).read_text(encoding="utf-8")
    tomllib.loads(text)
    assert unicodedata.is_normalized("NFC", text)


def test_every_demo_case_names_known_areas_and_steps_known_actions():
    spec = province()
    areas = {area.code for area in spec.areas}
    for case in cases():
        assert case.area in areas, case.key
        for step in case.steps:
            assert len(STEPS & step.keys()) == 1, (case.key, step)


def test_the_demo_units_and_categories_name_each_other_and_known_areas():
    spec = province()
    areas, units = {area.code for area in spec.areas}, {unit.code for unit in spec.units}
    assert all(area.parent in areas for area in spec.areas if area.parent)
    assert all(unit.area in areas for unit in spec.units)
    assert all(set(category.units) <= units for category in spec.categories)
