"""The environment every settings module reads: the variables, with .env beside manage.py."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env(DEBUG=(bool, False))
environ.Env.read_env(BASE_DIR / ".env")


def secret(name: str, default: str | None = None) -> str:
    """A secret as it was given. django-environ reads a value that starts with "$" as the
    name of another variable, and Django's own generator puts "$" first in one key of 50."""
    value = env.ENVIRON.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable")
    return value
