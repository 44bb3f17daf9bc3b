"""The HTTP side: who may look (bind rules, token), /healthz with the database down, routes."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import httpx
import pytest
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy.pool import NullPool

from crawler.config import AppConfig, ConfigError, DaemonConfig, load_config
from db.session import Database, make_engine, open_database
from scheduler.access import Listen, authorized, check_access, parse_listen
from scheduler.alerts import NullSender
from scheduler.metrics import DaemonMetrics
from scheduler.monitoring import Monitoring
from scheduler.role import Role
from scheduler.web import StatusApp, StatusServer
from tests.scheduling.conftest import T0, add_run
from tests.scheduling.daemon_harness import run_newsmon, write_config

TOKEN = "0123456789abcdef-token"


@contextmanager
def served(app: StatusApp) -> Iterator[str]:
    server = StatusServer(app, Listen("127.0.0.1", 0))
    server.start()
    try:
        yield f"http://{server.address}"
    finally:
        server.stop()


def _config(tmp_path: Path, listen: str = "127.0.0.1:0", token: str = "") -> AppConfig:
    path = write_config(tmp_path, {"alpha": "http://127.0.0.1:1/rss"}, listen=listen)
    if token:
        path.write_text(path.read_text().replace("[daemon]", f'[daemon]\nlisten_token = "{token}"'))
    return load_config(path, env={})


class _Scheduler:
    """Stands in for the daemon's scheduler: only `running` is read."""

    def __init__(self, running: Callable[[], bool]) -> None:
        self._running = running

    @property
    def running(self) -> bool:
        return self._running()


def _leading(running: Callable[[], bool] = lambda: True) -> Role:
    return Role(shared=False, leading=True, scheduler=cast(BaseScheduler, _Scheduler(running)))


def _app(
    config: AppConfig,
    database: Database,
    running: Callable[[], bool] = lambda: True,
    token: str = "",
    role: Role | None = None,
) -> StatusApp:
    role = role or _leading(running)
    return StatusApp(config, database, DaemonMetrics(config), role=role, token=token)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    open_database(f"sqlite:///{tmp_path / 'newsmon.db'}").close()  # migrated once
    handle = Database(make_engine(f"sqlite:///{tmp_path / 'newsmon.db'}", pooled=False))
    try:
        yield handle
    finally:
        handle.close()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:8750", Listen("127.0.0.1", 8750)),
        ("[::1]:0", Listen("::1", 0)),
        ("localhost:9000", Listen("127.0.0.1", 9000)),
        (" 0.0.0.0:80 ", Listen("0.0.0.0", 80)),
        ("", None),
    ],
    ids=repr,
)
def test_listen_values(value: str, expected: Listen | None) -> None:
    assert parse_listen(value) == expected


@pytest.mark.parametrize(
    "value", ["8750", "127.0.0.1", ":8750", "127.0.0.1:http", "127.0.0.1:70000"]
)
def test_bad_listen_values_are_refused(value: str) -> None:
    with pytest.raises(ConfigError, match="HOST:PORT"):
        parse_listen(value)


def test_other_addresses_need_a_token() -> None:
    assert check_access(DaemonConfig(listen="127.0.0.2:8750")) == Listen("127.0.0.2", 8750)
    assert check_access(DaemonConfig(listen="")) is None
    for host in ("0.0.0.0", "192.0.2.10", "[::]", "example.org"):
        with pytest.raises(ConfigError, match="listen_token"):
            check_access(DaemonConfig(listen=f"{host}:8750"))
    assert check_access(DaemonConfig(listen="0.0.0.0:8750", listen_token=TOKEN)) is not None
    with pytest.raises(ConfigError, match="at least 16"):
        check_access(DaemonConfig(listen="0.0.0.0:8750", listen_token="short"))


def test_listen_settings_come_from_the_environment(tmp_path: Path) -> None:
    path = write_config(tmp_path, {"alpha": "http://127.0.0.1:1/rss"})
    config = load_config(
        path, env={"NEWSMON_DAEMON_LISTEN": "0.0.0.0:9", "NEWSMON_DAEMON_LISTEN_TOKEN": TOKEN}
    )
    assert (config.daemon.listen, config.daemon.listen_token) == ("0.0.0.0:9", TOKEN)
    assert DaemonConfig().listen == "127.0.0.1:8750" and DaemonConfig().listen_token == ""


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        ("", False),
        ("Bearer", False),
        ("Bearer wrong-token-0123456789", False),
        (f"Basic {TOKEN}", False),
        (f"Bearer {TOKEN}x", False),
        (f"Bearer {TOKEN}", True),
        (f"bearer  {TOKEN} ", True),
    ],
    ids=["missing", "empty", "wrong", "basic", "longer", "right", "case-and-spaces"],
)
def test_authorized(header: str, ok: bool) -> None:
    assert authorized(header, TOKEN) is ok


def test_every_route_needs_the_token_when_one_is_set(tmp_path: Path, database: Database) -> None:
    config = _config(tmp_path)
    with served(_app(config, database, token=TOKEN)) as base:
        for path in ("/", "/api/status", "/metrics", "/healthz", "/nowhere"):
            missing = httpx.get(base + path)
            wrong = httpx.get(base + path, headers={"Authorization": "Bearer not-the-token!!"})
            assert (missing.status_code, wrong.status_code) == (401, 401), path
            assert missing.headers["WWW-Authenticate"].startswith("Bearer")
            assert TOKEN not in missing.text
        right = {"Authorization": f"Bearer {TOKEN}"}
        assert httpx.get(base + "/healthz", headers=right).status_code == 200
        metrics = httpx.get(base + "/metrics", headers=right)
        assert metrics.status_code == 200 and "newsmon_crawls_total" in metrics.text


def test_routes_methods_and_headers(tmp_path: Path, database: Database) -> None:
    config = _config(tmp_path)
    with served(_app(config, database)) as base:
        page = httpx.get(base + "/")
        assert page.status_code == 200
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]
        assert httpx.get(base + "/nowhere").status_code == 404
        post = httpx.post(base + "/healthz")
        assert post.status_code == 405 and post.headers["Allow"] == "GET, HEAD"
        assert httpx.get(base + "/metrics").headers["Content-Type"].startswith("text/plain")


def test_api_status_is_newsmon_status_json(tmp_path: Path, database: Database) -> None:
    add_run(database, "alpha", T0, "failed")
    config = _config(tmp_path)
    with served(_app(config, database)) as base:
        api = httpx.get(base + "/api/status").json()
    cli = run_newsmon("status", "--json", "--config", str(config.path), cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    printed = json.loads(cli.stdout)
    for payload in (api, printed):
        payload.pop("generated_at")
        for row in payload["sources"]:
            row.pop("next_run")  # "now" relative to each call's clock
    assert api == printed
    assert api["sources"][0]["last_status"] == "failed"


def test_healthz_is_ok_while_scheduling_and_the_database_answers(
    tmp_path: Path, database: Database
) -> None:
    running = threading.Event()
    running.set()
    with served(_app(_config(tmp_path), database, running=running.is_set)) as base:
        ok = httpx.get(base + "/healthz")
        assert ok.status_code == 200 and ok.json() == {"status": "ok"}
        assert ok.text.count("\n") == 1
        running.clear()
        stopped = httpx.get(base + "/healthz")
        assert stopped.status_code == 503 and stopped.json()["reason"] == "scheduler not running"


def test_healthz_of_a_standby_is_200_standby(tmp_path: Path, database: Database) -> None:
    role = Role(shared=True, leading=False)
    with served(_app(_config(tmp_path), database, role=role)) as base:
        standby = httpx.get(base + "/healthz")
        assert standby.status_code == 200 and standby.json() == {"status": "standby"}
        role.leading, role.scheduler = True, cast(BaseScheduler, _Scheduler(lambda: True))
        assert httpx.get(base + "/healthz").json() == {"status": "ok"}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def silent_server() -> Iterator[int]:
    """Accepts TCP connections and never answers (a database that hangs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield int(listener.getsockname()[1])
    finally:
        listener.close()


def _health_within(app: StatusApp, seconds: float) -> httpx.Response:
    with served(app) as base:
        started = time.monotonic()
        response = httpx.get(base + "/healthz", timeout=10)
        assert time.monotonic() - started < seconds
        page = httpx.get(base + "/", timeout=30)
        assert page.status_code == 503 and "database unavailable" in page.text
    return response


def test_healthz_is_503_when_the_database_is_down(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://newsmon@127.0.0.1:{_closed_port()}/newsmon"
    database = Database(make_engine(url, pooled=False))
    response = _health_within(_app(_config(tmp_path), database), 3.0)
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["reason"].startswith("database unavailable: OperationalError")


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    with silent_server() as port:
        url = f"postgresql+psycopg://newsmon@127.0.0.1:{port}/newsmon?connect_timeout=20"
        database = Database(make_engine(url, pooled=False))
        app = _app(_config(tmp_path), database)
        with served(app) as base:
            started = time.monotonic()
            first, second = (httpx.get(base + "/healthz", timeout=10) for _ in range(2))
            assert time.monotonic() - started < 6.0
    for response in (first, second):
        assert response.status_code == 503
        assert response.json()["reason"] == "database did not answer within 2s"


def test_monitoring_serves_without_pooled_connections_and_never_logs_the_token(
    tmp_path: Path, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    config = _config(tmp_path, listen="127.0.0.1:0", token=TOKEN)
    monitoring = Monitoring(config)

    caplog.set_level(logging.DEBUG)
    main = open_database(config.database.url)
    try:
        monitoring.start(main, _leading(), NullSender())
        assert monitoring.server is not None and monitoring._database is not None
        assert isinstance(monitoring._database.engine.pool, NullPool)
        base = f"http://{monitoring.server.address}"
        headers = {"Authorization": f"Bearer {TOKEN}"}
        assert httpx.get(base + "/", headers=headers).status_code == 200
        assert httpx.get(base + "/healthz", headers=headers).status_code == 200
    finally:
        monitoring.stop()
        main.close()
    assert "Status page on http://127.0.0.1:" in caplog.text
    assert TOKEN not in caplog.text


def test_a_busy_port_is_refused_with_the_reason(tmp_path: Path, database: Database) -> None:
    config = _config(tmp_path)
    with served(_app(config, database)) as base:
        port = int(base.rsplit(":", 1)[1])
        with pytest.raises(ConfigError, match="cannot listen there"):
            StatusServer(_app(config, database), Listen("127.0.0.1", port))


def test_head_requests_get_headers_only(tmp_path: Path, database: Database) -> None:
    with served(_app(_config(tmp_path), database)) as base:
        for path in ("/", "/metrics", "/healthz", "/api/status"):
            response = httpx.head(base + path)
            assert response.status_code == 200, path
            assert response.content == b"" and int(response.headers["Content-Length"]) > 0
