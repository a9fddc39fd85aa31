"""The example env files name every setting the code reads, and nothing it does not."""

import os
import secrets
import subprocess
import sys

from .settings_read import (
    BASE_DIR,
    names_compose_interpolates,
    names_in_env_file,
    names_the_code_reads,
    values_in_env_file,
)

ENV_EXAMPLE = BASE_DIR / ".env.example"
PRODUCTION_ENV_EXAMPLE = BASE_DIR / "deploy" / "production.env.example"


def test_the_env_example_names_every_setting_the_code_reads() -> None:
    listed = names_in_env_file(ENV_EXAMPLE)

    missing = {name: where for name, where in names_the_code_reads().items()
               if name not in listed}

    assert missing == {}, "add these to .env.example (commented out, with their default)"


def test_the_env_example_names_no_setting_the_code_does_not_read() -> None:
    stale = names_in_env_file(ENV_EXAMPLE) - set(names_the_code_reads())

    assert stale == set(), "nothing reads these: remove them from .env.example"


def test_the_production_env_example_names_every_setting_the_code_reads() -> None:
    listed = names_in_env_file(PRODUCTION_ENV_EXAMPLE)

    missing = {name: where for name, where in names_the_code_reads().items()
               if name not in listed}

    assert missing == {}, "add these to deploy/production.env.example"


def test_the_production_env_example_names_only_what_the_code_or_compose_reads() -> None:
    known = set(names_the_code_reads()) | names_compose_interpolates()

    stale = names_in_env_file(PRODUCTION_ENV_EXAMPLE) - known

    assert stale == set(), "neither the code nor docker-compose.yml reads these"


def test_the_production_env_example_sets_what_compose_requires() -> None:
    text = (BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8")
    required = {name for name in names_compose_interpolates() if "${" + name + ":?" in text}

    unset = required - set(values_in_env_file(PRODUCTION_ENV_EXAMPLE))

    assert unset == set()


# --- The production example passes check --deploy once its secrets are filled in ----------------

def check_deploy(**overrides: str) -> subprocess.CompletedProcess[str]:
    """manage.py check --deploy, as the migrate job runs it, with the production example."""
    env = {
        "PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **values_in_env_file(PRODUCTION_ENV_EXAMPLE),
        # What docker-compose.yml adds (local services stand in for the stack's).
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/cong1022",
        "REDIS_URL": "redis://127.0.0.1:6379/0", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
        "MEDIA_ROOT": "/app/var/media", "DEBUG": "false", "TRUSTED_PROXY_COUNT": "1",
        **overrides,
    }
    return subprocess.run(  # noqa: S603 — our own interpreter, fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )


def test_the_production_example_passes_check_deploy_with_a_real_secret_key() -> None:
    result = check_deploy(SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_production_example_fails_check_deploy_while_its_key_is_the_placeholder() -> None:
    result = check_deploy()

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
