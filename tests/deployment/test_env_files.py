"""The example env files name every setting the code reads, and nothing it does not."""

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
