"""Fixtures for the service tier's tests: the real packaged model, shared across the session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """The ONNX export is cached under var/models, as `make run` does, so it happens once per machine."""
    path = ROOT / "var" / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def embedder(model_cache: Path):
    from api.knowledge.embedder import OnnxEmbedder

    return OnnxEmbedder(model_cache)


@pytest.fixture
def write_doc(tmp_path: Path):
    kdir = tmp_path / "knowledge"
    kdir.mkdir()

    def write(name: str, text: str) -> Path:
        path = kdir / name
        path.write_text(text, encoding="utf-8")
        return path

    write.dir = kdir  # type: ignore[attr-defined]
    return write


SECRET = "test-candidate-secret-" + "x" * 24


@pytest.fixture(scope="session")
def client(tmp_path_factory, model_cache):
    """The real app on a temporary var/ with the demo candidates; Rasa deliberately not running."""
    from fastapi.testclient import TestClient

    from api import db
    from api.config import get_settings

    var = tmp_path_factory.mktemp("var")
    (var / "models").symlink_to(model_cache, target_is_directory=True)
    mp = pytest.MonkeyPatch()
    mp.setenv("CA_VAR_DIR", str(var))
    mp.setenv("CA_RASA_URL", "http://127.0.0.1:9")  # nothing listens there
    mp.setenv("CA_ACTION_SERVER_URL", "http://127.0.0.1:9")
    mp.setenv("CA_SERVICE_TOKEN", "test-token")
    mp.setenv("CA_CANDIDATE_TOKEN_SECRET", SECRET)
    # Many tests share this app, its address ("testclient") and its accounts: the rate-limit tests
    # (tests/api/test_ratelimit*.py) run apps of their own with small limits instead.
    for name in ("CHAT_CONVERSATION", "CHAT_ADDRESS", "LOGIN_ADDRESS", "LOGIN_USERNAME", "PRACTICE_ADDRESS"):
        mp.setenv(f"CA_RATE_LIMIT_{name}", "off")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
    from api.main import create_app
    from api.status.store import seed_demo

    with TestClient(create_app()) as c:
        seed_demo()
        yield c
    mp.undo()
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()


@pytest.fixture
def app_with(client):
    """Starts more apps on the shared app's var/ with other CA_* settings (e.g. small rate limits):
    `app_with(CA_RATE_LIMIT_CHAT_CONVERSATION="3/minute")` -> a started TestClient. The settings are
    the process's, so they apply while the test runs and are restored after it."""
    from fastapi.testclient import TestClient

    from api.config import get_settings
    from api.main import create_app

    mp = pytest.MonkeyPatch()
    started: list[TestClient] = []

    def start(peer: str = "testclient", **env: str) -> TestClient:
        for name, value in env.items():
            mp.setenv(name, value)
        get_settings.cache_clear()
        app_client = TestClient(create_app(), client=(peer, 50000))
        app_client.__enter__()
        started.append(app_client)
        return app_client

    yield start
    for app_client in reversed(started):
        app_client.__exit__(None, None, None)
    mp.undo()
    get_settings.cache_clear()


@pytest.fixture
def app_on_database(client, tmp_path, monkeypatch, request):
    """Starts the real app on a new, empty database of its own, SQLite or on the real PostgreSQL
    server, with the shared app's other settings: `app_on_database("postgresql", CA_X="1")` -> a
    started TestClient (500s are answers to assert on, not exceptions) and its database URL."""
    import uuid

    from fastapi.testclient import TestClient
    from sqlalchemy import create_engine, text

    from api import db
    from api.config import get_settings
    from api.main import create_app

    def clear() -> None:
        for cache in (get_settings, db.get_engine, db.get_sessionmaker):
            cache.cache_clear()

    started: list[TestClient] = []

    def start(kind: str, **env: str):
        if kind == "sqlite":
            url = f"sqlite:///{tmp_path / 'api.db'}"
        else:
            server = request.getfixturevalue("postgres_server")
            name = f"t_{uuid.uuid4().hex[:10]}"
            with create_engine(server.url, isolation_level="AUTOCOMMIT").connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = server.url.rsplit("/", 1)[0] + "/" + name
        for key, value in {"CA_DATABASE_URL": url, "CA_WATCH_KNOWLEDGE": "false", **env}.items():
            monkeypatch.setenv(key, value)
        clear()
        app_client = TestClient(create_app(), raise_server_exceptions=False)
        app_client.__enter__()
        started.append(app_client)
        return app_client, url

    yield start
    for app_client in started:
        app_client.__exit__(None, None, None)
    db.get_engine().dispose()
    clear()


@pytest.fixture
def token_for():
    from api.config import get_settings
    from api.tokens import issue

    return lambda candidate, minutes=10: issue(get_settings(), candidate, minutes)


class PostgresServer:
    """A real PostgreSQL server (Debian's package, installed by `make test`) in a temporary cluster;
    a test may stop it (the database unavailable) and must start it again."""

    def __init__(self) -> None:
        import glob
        import shutil
        import socket

        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            pytest.fail("PostgreSQL is not installed: run `make test` (it installs Debian's postgresql)")
        self.bindir = os.path.dirname(binaries[-1])
        # In /var/tmp, not the project or pytest's private temp dir: the server runs as the postgres user,
        # which cannot enter a checkout whose parent folders are private.
        self.base = Path("/var/tmp") / f"candidate-assistant-pg-{os.getpid()}"
        shutil.rmtree(self.base, ignore_errors=True)
        self.data = self.base / "data"
        self.data.mkdir(parents=True)
        shutil.chown(self.data, "postgres", "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres(f"{self.bindir}/initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def _as_postgres(self, *cmd: str) -> None:
        import subprocess

        subprocess.run(["runuser", "-u", "postgres", "--", *cmd], check=True, capture_output=True)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        log = str(self.data / "log")
        self._as_postgres(f"{self.bindir}/pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l", log, "start")

    def stop(self) -> None:
        self._as_postgres(f"{self.bindir}/pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@pytest.fixture(scope="session")
def postgres_server():
    import shutil

    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        if server.running():
            server.stop()
        shutil.rmtree(server.base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server):
    return postgres_server.url


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A real redis-server on a free loopback port for the session; a test that stops it must start it again."""
    from tests.redis_server import RedisServer

    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_url(redis_server):
    return redis_server.url


@pytest.fixture(params=["sqlite", "postgresql"])
def service_database(request, tmp_path, monkeypatch):
    """The service tier's database, empty and migrated: SQLite (the default) and a real PostgreSQL."""
    from sqlalchemy import text

    from api import db
    from api.config import get_settings
    from api.tables import metadata

    monkeypatch.setenv("CA_VAR_DIR", str(tmp_path))
    if request.param == "postgresql":
        monkeypatch.setenv("CA_DATABASE_URL", request.getfixturevalue("postgres_url"))
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
    # A shared PostgreSQL keeps the previous test's tables: start from an empty schema.
    metadata.drop_all(db.get_engine())
    with db.get_engine().begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.migrate()
    yield tmp_path
    db.get_engine().dispose()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
    get_settings.cache_clear()
