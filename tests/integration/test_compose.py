"""The Docker deployment, checked without a Docker engine (none runs here).

docker-compose.yml is validated against the Compose Specification's JSON schema; its services
must have the shape the deployment relies on; every `DECLIC_*` name it, .env.example or the
Dockerfile mentions must be a real setting; .env.example must load, yet its placeholders must
be refused in production; and every command the services run must exist in the `declic` CLI.
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import threading
import tomllib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import distribution
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

import pytest
import yaml
from dotenv import dotenv_values
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from typer.testing import CliRunner

from declic.cli import app
from infra.settings import PLACEHOLDER_SECRETS, Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE_SCHEMA = "check_jsonschema/builtin_schemas/vendor/compose-spec.json"

DECLIC_SERVICES = ("migrate", "bot", "console", "scheduler")
# Settings production cannot run without: each must be given by .env.example or the compose file.
REQUIRED_IN_PRODUCTION = (
    "database_url",
    "telegram_token",
    "console_secret",
    "webhook_url",
    "webhook_secret",
)
# `DECLIC_*` variables read outside Settings, on purpose (a path read where it is used).
READ_OUTSIDE_SETTINGS = {"DECLIC_HSDS_DIR": ROOT / "knowledge" / "importers" / "hsds" / "schema.py"}
PLACEHOLDER = "changeme"
HEALTH_URL = re.compile(r"http://127\.0\.0\.1:(\d+)/healthz")

Compose = dict[str, Any]


def webhook_constant(name: str) -> Any:
    """A constant of bot/webhook.py, read without importing aiogram (seconds of start-up)."""
    module = ast.parse((ROOT / "bot" / "webhook.py").read_text(encoding="utf-8"))
    for node in module.body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == name:
            return ast.literal_eval(node.value)
    raise AssertionError(f"bot/webhook.py defines no {name}")


def load_compose() -> Compose:
    """A fresh copy each time (YAML aliases share objects, so copies must not be reused)."""
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def env_example() -> dict[str, str]:
    """Read the way pydantic-settings reads `.env` (python-dotenv)."""
    return {k: v or "" for k, v in dotenv_values(ENV_EXAMPLE).items()}


def secret_placeholders() -> list[str]:
    return sorted(k for k, v in env_example().items() if v == PLACEHOLDER)


@pytest.fixture(scope="module")
def compose_validator() -> Validator:
    # The copy check-jsonschema (a dev dependency) vendors, found without importing its CLI.
    resource = distribution("check-jsonschema").locate_file(COMPOSE_SCHEMA)
    schema = json.loads(Path(str(resource)).read_text(encoding="utf-8"))
    cls = validator_for(schema)  # the draft the schema declares ($schema: 2020-12)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def compose() -> Compose:
    return load_compose()


def schema_errors(validator: Validator, document: Compose) -> list[str]:
    return [
        "/".join(str(p) for p in error.absolute_path) + f": {error.message[:160]}"
        for error in validator.iter_errors(document)
    ]


# --- (a) the Compose Specification --------------------------------------------------------------


def test_the_compose_file_follows_the_compose_specification(
    compose_validator: Validator, compose: Compose
) -> None:
    assert schema_errors(compose_validator, compose) == []


def _unknown_service_key(doc: Compose) -> None:
    doc["services"]["bot"]["replica"] = 2


def _unknown_dependency_condition(doc: Compose) -> None:
    doc["services"]["bot"]["depends_on"]["migrate"]["condition"] = "service_finished"


def _healthcheck_test_not_a_command(doc: Compose) -> None:
    doc["services"]["postgres"]["healthcheck"]["test"] = 42


def _unknown_top_level_key(doc: Compose) -> None:
    doc["service"] = doc.pop("services")


@pytest.mark.parametrize(
    "break_it",
    [
        _unknown_service_key,
        _unknown_dependency_condition,
        _healthcheck_test_not_a_command,
        _unknown_top_level_key,
    ],
)
def test_a_broken_compose_file_is_refused(
    compose_validator: Validator, break_it: Callable[[Compose], None]
) -> None:
    document = load_compose()
    break_it(document)
    assert schema_errors(compose_validator, document) != []


# --- (b) the services' shape --------------------------------------------------------------------


def healthcheck_port(service: Compose) -> int:
    """The port a Déclic service's health check asks for /healthz."""
    code = service["healthcheck"]["test"]
    assert code[:3] == ["CMD", "python", "-c"], "the slim image has no curl: Python checks"
    match = HEALTH_URL.search(code[3])
    assert match, code
    return int(match.group(1))


def test_postgres_keeps_its_data_in_a_volume_and_says_when_it_is_ready(compose: Compose) -> None:
    postgres = compose["services"]["postgres"]
    assert postgres["image"].split(":")[0] == "postgres"
    volumes = [v.split(":") for v in postgres["volumes"]]
    assert any(
        name in compose["volumes"] and target == "/var/lib/postgresql/data"
        for name, target in volumes
    )
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "ports" not in postgres  # the database is reachable from the compose network only


def test_migrate_runs_once_when_postgres_is_healthy(compose: Compose) -> None:
    migrate = compose["services"]["migrate"]
    assert migrate["command"] == ["db", "upgrade"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", ["bot", "console", "scheduler"])
def test_long_running_services_start_after_a_successful_migration(
    compose: Compose, name: str
) -> None:
    service = compose["services"][name]
    assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert service["restart"] == "unless-stopped"
    # Redis is optional: depending on it must not stop the stack when its profile is off.
    if "redis" in service["depends_on"]:
        assert service["depends_on"]["redis"]["required"] is False


def test_the_bot_runs_two_webhook_replicas_behind_a_proxy(compose: Compose) -> None:
    bot = compose["services"]["bot"]
    assert bot["command"] == ["bot", "--webhook"]
    assert bot["deploy"]["replicas"] == 2
    # Two replicas cannot share a fixed host port or a container name.
    assert "ports" not in bot and "container_name" not in bot
    port = int(bot["environment"]["DECLIC_WEBHOOK_PORT"])
    assert healthcheck_port(bot) == port and str(port) in bot["expose"]
    assert bot["environment"]["DECLIC_WEBHOOK_HOST"] == "0.0.0.0"
    # The path the reverse proxy must forward, as the comments tell the deployer.
    path = webhook_constant("WEBHOOK_PATH")
    assert path in COMPOSE.read_text(encoding="utf-8")
    assert path in ENV_EXAMPLE.read_text(encoding="utf-8")


def test_the_console_is_published_on_the_loopback_only(compose: Compose) -> None:
    console = compose["services"]["console"]
    assert console["command"][0] == "console"
    port = console["environment"]["DECLIC_CONSOLE_PORT"]
    assert console["ports"] == [f"127.0.0.1:{port}:{port}"]
    assert healthcheck_port(console) == int(port)
    assert console["environment"]["DECLIC_CONSOLE_HOST"] == "0.0.0.0"


def test_the_scheduler_serves_health_and_metrics(compose: Compose) -> None:
    scheduler = compose["services"]["scheduler"]
    assert scheduler["command"] == ["scheduler"]
    port = int(scheduler["environment"]["DECLIC_METRICS_PORT"])
    assert healthcheck_port(scheduler) == port and str(port) in scheduler["expose"]


def test_redis_is_optional_and_everything_else_starts_by_default(compose: Compose) -> None:
    services = compose["services"]
    assert services["redis"]["profiles"] == ["redis"]
    assert [name for name, s in services.items() if "profiles" in s] == ["redis"]
    assert set(services) >= {"postgres", "redis", *DECLIC_SERVICES}


def grace_seconds(duration: str) -> float:
    match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", duration)
    assert match and any(match.groups()), duration
    minutes, seconds = (int(g or 0) for g in match.groups())
    return minutes * 60 + seconds


@pytest.mark.parametrize("name", DECLIC_SERVICES)
def test_every_declic_service_runs_in_production_and_stops_gracefully(
    compose: Compose, name: str
) -> None:
    service = compose["services"][name]
    environment = service["environment"]
    assert service["env_file"] == ".env" and service["image"] == "declic:local"
    assert environment["DECLIC_ENVIRONMENT"] == "production"
    assert environment["DECLIC_LOG_FORMAT"] == "json"
    assert environment["DECLIC_DATABASE_URL"].startswith("postgresql://declic:")
    # Docker's SIGKILL comes after stop_grace_period: it must outlast Déclic's own grace (and,
    # for the bot, the outbox sender's stop after it).
    grace = float(environment["DECLIC_SHUTDOWN_GRACE_SECONDS"])
    outbox_stop = float(webhook_constant("OUTBOX_STOP_SECONDS"))
    assert grace_seconds(service["stop_grace_period"]) > grace + outbox_stop
    assert service["init"] is True  # PID 1 forwards SIGTERM


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.mark.parametrize("status", [200, 503])
def test_the_health_check_one_liners_fail_unless_healthz_answers_ok(
    compose: Compose, health_server: ThreadingHTTPServer, status: int
) -> None:
    """Run as `python -c` does, in this process (a subprocess per check would be slow)."""
    _Health.status = status
    port = health_server.server_address[1]
    for name in ("bot", "console", "scheduler"):
        code = compose["services"][name]["healthcheck"]["test"][3]
        program = compile(HEALTH_URL.sub(f"http://127.0.0.1:{port}/healthz", code), name, "exec")
        if status == 200:
            exec(program, {})
        else:
            with pytest.raises(HTTPError):  # an uncaught exception: `python -c` exits with 1
                exec(program, {})


# --- (c) the variables are settings -------------------------------------------------------------


def declic_names(text: str) -> set[str]:
    return set(re.findall(r"\bDECLIC_[A-Z0-9_]+\b", text))


@pytest.mark.parametrize("path", [COMPOSE, ENV_EXAMPLE, DOCKERFILE], ids=lambda p: p.name)
def test_every_declic_variable_named_is_a_setting(path: Path) -> None:
    fields = {f"DECLIC_{name.upper()}" for name in Settings.model_fields}
    unknown = declic_names(path.read_text(encoding="utf-8")) - fields
    for name in sorted(unknown & READ_OUTSIDE_SETTINGS.keys()):
        assert name in READ_OUTSIDE_SETTINGS[name].read_text(encoding="utf-8")
    assert unknown - READ_OUTSIDE_SETTINGS.keys() == set()


def test_what_production_needs_is_given(compose: Compose) -> None:
    given = set(env_example())
    for name in DECLIC_SERVICES:
        given |= set(compose["services"][name]["environment"])
    missing = {f"DECLIC_{field.upper()}" for field in REQUIRED_IN_PRODUCTION} - given
    assert missing == set()
    assert all(field in Settings.model_fields for field in REQUIRED_IN_PRODUCTION)


# --- (d) .env.example: it loads, and its placeholders never go live -----------------------------


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` (all this file uses)."""

    def one(match: re.Match[str]) -> str:
        name, operator, argument = match.group(1), match.group(2), match.group(3)
        if variables.get(name):
            return variables[name]
        if operator == ":?":
            raise LookupError(f"{name}: {argument}")
        return argument or ""

    return re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", one, value)


def container_environment(compose: Compose, service: str, dotenv: dict[str, str]) -> dict[str, str]:
    """What a container sees: its env_file (.env), overridden by its interpolated environment."""
    environment = compose["services"][service]["environment"]
    return dotenv | {key: interpolate(str(value), dotenv) for key, value in environment.items()}


@pytest.fixture
def isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Callable[[dict[str, str]], Settings]:
    """Load settings from exactly these variables: no DECLIC_* of this shell, no `.env` here."""

    def load(variables: dict[str, str]) -> Settings:
        for name in [n for n in os.environ if n.startswith("DECLIC_")]:
            monkeypatch.delenv(name)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(tmp_path)
        return load_settings()

    return load


def real_values(dotenv: dict[str, str], keep: str | None = None) -> dict[str, str]:
    """Every placeholder replaced by a fresh random value, except `keep`."""
    return {
        key: value if key == keep else value.replace(PLACEHOLDER, secrets.token_hex(24))
        for key, value in dotenv.items()
    }


def test_the_placeholders_are_ones_production_refuses() -> None:
    assert PLACEHOLDER in PLACEHOLDER_SECRETS
    assert set(secret_placeholders()) == {
        "POSTGRES_PASSWORD",
        "DECLIC_TELEGRAM_TOKEN",
        "DECLIC_CONSOLE_SECRET",
        "DECLIC_WEBHOOK_SECRET",
    }


def test_env_example_loads_in_development(
    isolated_environment: Callable[[dict[str, str]], Settings],
) -> None:
    dotenv = env_example()
    assert "DECLIC_ENVIRONMENT" not in dotenv  # the compose file says production
    settings = isolated_environment(dotenv)
    assert settings.is_development
    assert settings.telegram_token is not None
    assert settings.telegram_token.get_secret_value() == PLACEHOLDER
    assert settings.webhook_url == dotenv["DECLIC_WEBHOOK_URL"]


@pytest.mark.parametrize("service", DECLIC_SERVICES)
def test_env_example_as_is_is_refused_in_production(
    compose: Compose, isolated_environment: Callable[[dict[str, str]], Settings], service: str
) -> None:
    with pytest.raises(SettingsError, match="real secret"):
        isolated_environment(container_environment(compose, service, env_example()))


@pytest.mark.parametrize("service", DECLIC_SERVICES)
def test_env_example_with_real_values_runs_in_production(
    compose: Compose, isolated_environment: Callable[[dict[str, str]], Settings], service: str
) -> None:
    dotenv = real_values(env_example())
    settings = isolated_environment(container_environment(compose, service, dotenv))
    assert settings.environment == "production" and settings.log_format == "json"
    password = dotenv["POSTGRES_PASSWORD"]
    assert settings.database_url == f"postgresql+asyncpg://declic:{password}@postgres:5432/declic"
    assert PLACEHOLDER not in str(settings.webhook_url)


@pytest.mark.parametrize("placeholder", secret_placeholders())
def test_each_placeholder_alone_is_refused_in_production(
    compose: Compose, isolated_environment: Callable[[dict[str, str]], Settings], placeholder: str
) -> None:
    dotenv = real_values(env_example(), keep=placeholder)
    with pytest.raises(SettingsError, match="real secret"):
        isolated_environment(container_environment(compose, "bot", dotenv))


def test_the_database_password_is_required_like_compose_requires_it(compose: Compose) -> None:
    dotenv = real_values(env_example())
    del dotenv["POSTGRES_PASSWORD"]
    with pytest.raises(LookupError, match="POSTGRES_PASSWORD"):
        container_environment(compose, "migrate", dotenv)


# --- (e) the commands exist -----------------------------------------------------------------------


@pytest.mark.parametrize("service", DECLIC_SERVICES)
def test_the_service_command_exists_in_the_cli(compose: Compose, service: str) -> None:
    command = compose["services"][service]["command"]
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output


# --- the image ----------------------------------------------------------------------------------


def test_the_image_carries_every_package_and_runs_declic_unprivileged() -> None:
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    copied = set(re.findall(r"^COPY (\S+) \./", dockerfile, flags=re.MULTILINE))
    assert {*packages, "locales", "README.md"} <= copied
    allowed = set(re.findall(r"^!(\S+?)/?$", DOCKERIGNORE.read_text(encoding="utf-8"), re.M))
    assert {*packages, "locales", "README.md", "pyproject.toml", "uv.lock"} <= allowed
    assert ".env" not in allowed and ".venv" not in allowed
    assert 'ENTRYPOINT ["declic"]' in dockerfile
    assert re.search(r"^USER (?!root\b|0\b)\w+", dockerfile, flags=re.MULTILINE)
    assert "uv sync --frozen --no-dev" in dockerfile
    makefile_uv = re.search(r"^UV_VERSION := (\S+)", (ROOT / "Makefile").read_text(), re.M)
    assert makefile_uv and f"ARG UV_VERSION={makefile_uv.group(1)}" in dockerfile
