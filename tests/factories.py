"""Factories for people, units and categories; cases are always made by the services."""

import factory
from django.contrib.auth import get_user_model

from routing.models import Area, Category, Membership, ProvinceRole, Unit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.vn")
    password = factory.django.Password("a long test password 1022")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Huyện {n}")
    level = Area.Level.DISTRICT


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Sở số {n}")
    kind = Unit.Kind.DEPARTMENT
    processing_days = 6


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


def member(unit: Unit, role: str = Membership.Role.STAFF, **kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def province_user(role: str, **kwargs):
    user = UserFactory(**kwargs)
    ProvinceRole.objects.create(user=user, role=role)
    return user
