"""docker-compose.yml, read through `docker-compose config` with the production env example.

Checked offline: no Docker engine is needed, only docker-compose (make test installs
Debian's 1.29, which reads the same Compose Specification as `docker compose`).
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from .settings_read import BASE_DIR, values_in_env_file

PRODUCTION_ENV_EXAMPLE = BASE_DIR / "deploy" / "production.env.example"
SERVICES = {"proxy", "migrate", "web", "worker", "beat", "postgres", "redis", "backup"}
APP_SERVICES = ("web", "worker", "beat")
# What the stack decides itself, over the env file: the same in every deployment.
DECIDED_BY_THE_STACK = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "MEDIA_ROOT",
                        "DEBUG", "TRUSTED_PROXY_COUNT"}

pytestmark = pytest.mark.skipif(
    shutil.which("docker-compose") is None,
    reason="docker-compose is not installed (apt-get install docker-compose)",
)


def compose(*args: str, env_file: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """docker-compose on our file with this env file alone (no .env of the checkout)."""
    base_env = {k: v for k, v in os.environ.items()
                if k in {"PATH", "HOME", "LANG", "LC_ALL"}}
    return subprocess.run(  # noqa: S603 — fixed arguments
        [  # noqa: S607 — found on PATH like any developer tool
            "docker-compose", "--file", str(BASE_DIR / "docker-compose.yml"),
            "--env-file", str(env_file), *args,
        ],
        cwd=BASE_DIR,
        env={**base_env, "ENV_FILE": str(env_file), **env},
        capture_output=True, text=True, timeout=60,
    )


@pytest.fixture(scope="module")
def stack() -> dict:
    """The services as Compose resolves them from the production env example."""
    result = compose("config", env_file=PRODUCTION_ENV_EXAMPLE)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


def test_the_stack_has_its_proxy_migrations_processes_stores_and_backups(stack: dict) -> None:
    assert set(stack) == SERVICES


@pytest.mark.parametrize("service", APP_SERVICES + ("migrate",))
def test_every_variable_of_the_production_env_file_reaches_the_service(
    stack: dict, service: str
) -> None:
    environment = stack[service]["environment"]

    for name, value in values_in_env_file(PRODUCTION_ENV_EXAMPLE).items():
        assert name in environment, f"{name} does not reach {service}"
        if name not in DECIDED_BY_THE_STACK:
            assert environment[name] == value, f"{name} reaches {service} changed"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_the_application_trusts_exactly_the_one_proxy_in_front_of_it(
    stack: dict, service: str
) -> None:
    assert stack[service]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    assert stack[service]["environment"]["DEBUG"] == "false"


def test_the_proxy_runs_the_caddyfile_of_the_repository(stack: dict) -> None:
    mounts = [volume.split(":")[:2] for volume in stack["proxy"]["volumes"]]

    assert [str(BASE_DIR / "deploy" / "Caddyfile"), "/etc/caddy/Caddyfile"] in mounts
    assert stack["proxy"]["environment"]["SITE_ADDRESS"] == "1022.example.gov.vn"


def test_only_the_proxy_publishes_ports(stack: dict) -> None:
    publishing = {name for name, service in stack.items() if service.get("ports")}

    assert publishing == {"proxy"}


def test_migrations_run_once_in_their_own_job(stack: dict) -> None:
    migrate = stack["migrate"]

    assert migrate["restart"] == "no"
    assert "manage.py migrate" in migrate["command"]
    assert "check --deploy" in migrate["command"]
    assert all("migrate --" not in str(stack[name].get("command")) for name in APP_SERVICES)


@pytest.mark.parametrize("service", APP_SERVICES)
def test_the_processes_start_only_after_the_migrations_succeeded(
    stack: dict, service: str
) -> None:
    waits_for = stack[service]["depends_on"]

    assert waits_for["migrate"] == {"condition": "service_completed_successfully"}
    assert waits_for["postgres"] == {"condition": "service_healthy"}


def test_web_runs_gunicorn_with_the_projects_configuration(stack: dict) -> None:
    assert stack["web"]["command"].startswith("gunicorn -c config/gunicorn.py ")


@pytest.mark.parametrize("service", ["web", "worker"])
def test_web_and_worker_keep_uploads_on_one_shared_volume(stack: dict, service: str) -> None:
    media_root = stack[service]["environment"]["MEDIA_ROOT"]

    assert f"media:{media_root}:rw" in stack[service]["volumes"]


@pytest.mark.parametrize("service", ["web", "worker"])
def test_web_and_worker_can_run_several_side_by_side(stack: dict, service: str) -> None:
    # A fixed container name or a published port would stop `--scale web=2`.
    assert "container_name" not in stack[service]
    assert "ports" not in stack[service]


def test_the_database_is_dumped_on_a_schedule_into_its_own_volume(stack: dict) -> None:
    backup = stack["backup"]

    assert backup["entrypoint"] == ["sh", "/deploy/backup.sh"]
    assert backup["command"] == ["schedule"]
    assert "backups:/backups:rw" in backup["volumes"]
    assert backup["environment"]["PGHOST"] == "postgres"
    assert int(backup["environment"]["BACKUP_KEEP_DAYS"]) > 0


@pytest.mark.parametrize("missing", ["SECRET_KEY", "POSTGRES_PASSWORD", "SITE_ADDRESS",
                                     "ALLOWED_HOSTS"])
def test_the_stack_refuses_to_start_without_a_required_setting(
    tmp_path: Path, missing: str
) -> None:
    env_file = tmp_path / "production.env"
    env_file.write_text("".join(
        f"{name}={value}\n" for name, value in values_in_env_file(PRODUCTION_ENV_EXAMPLE).items()
        if name != missing))

    result = compose("config", "--quiet", env_file=env_file)

    assert result.returncode != 0
    assert f"set {missing}" in result.stderr
