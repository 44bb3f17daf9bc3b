"""The daemon's read-only HTTP side: /, /api/status, /metrics, /healthz through waitress."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Any

from prometheus_client import make_wsgi_app
from sqlalchemy.exc import SQLAlchemyError
from waitress import wasyncore
from waitress.server import create_server

from crawler.config import AppConfig, ConfigError
from db.session import Database
from scheduler.access import Listen, authorized
from scheduler.metrics import DaemonMetrics
from scheduler.page import render
from scheduler.role import Role
from scheduler.status import report_from

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)

HEALTH_TIMEOUT = 2.0  # seconds the database has to answer /healthz
STATUS_LINES = {
    200: "200 OK",
    401: "401 Unauthorized",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    503: "503 Service Unavailable",
}
# No script may run and nothing may load from elsewhere (headlines are untrusted text).
SECURITY_HEADERS = [
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
]


class DatabaseProbe:
    """`SELECT 1` with a deadline; a hung check is shared by later requests, never piled up."""

    def __init__(self, database: Database, timeout: float = HEALTH_TIMEOUT) -> None:
        self.database = database
        self.timeout = timeout
        self._lock = threading.Lock()
        self._pending: Future[None] | None = None

    def check(self) -> str | None:
        """None when the database answered in time, else the reason."""
        with self._lock:
            if self._pending is None or self._pending.done():
                self._pending = Future()
                # A daemon thread: a connect that never returns must not hold up the exit.
                threading.Thread(
                    target=self._ping, args=(self._pending,), name="healthz-db", daemon=True
                ).start()
            pending = self._pending
        try:
            pending.result(timeout=self.timeout)
        except FutureTimeout:
            return f"database did not answer within {self.timeout:g}s"
        except Exception as exc:  # whatever the driver raised is the reason
            return f"database unavailable: {describe(exc)}"
        return None

    def _ping(self, future: Future[None]) -> None:
        try:
            self.database.ping()
        except BaseException as exc:  # handed to the waiting request
            future.set_exception(exc)
        else:
            future.set_result(None)


def describe(exc: BaseException) -> str:
    """The error's class and first line (driver messages name host and port, no password)."""
    origin = getattr(exc, "orig", None) or exc
    first = str(origin).strip().splitlines()[0] if str(origin).strip() else ""
    return f"{type(origin).__name__}: {first[:200]}" if first else type(origin).__name__


Route = Callable[["WSGIEnvironment", "StartResponse"], Iterable[bytes]]


class StatusApp:
    """The WSGI application: a session per request, closed before the response is sent."""

    def __init__(
        self,
        config: AppConfig,
        database: Database,
        metrics: DaemonMetrics,
        role: Role,
        token: str = "",
    ) -> None:
        self.config = config
        self.database = database
        self.role = role
        self.token = token
        self.probe = DatabaseProbe(database)
        self.routes: dict[str, Route] = {
            "/": self.page,
            "/api/status": self.api_status,
            "/healthz": self.healthz,
            "/metrics": make_wsgi_app(metrics.registry),
        }

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if self.token and not authorized(environ.get("HTTP_AUTHORIZATION", ""), self.token):
            return respond(
                start_response,
                401,
                "text/plain",
                b"bearer token required\n",
                [("WWW-Authenticate", 'Bearer realm="newsmon"')],
            )
        route = self.routes.get(environ.get("PATH_INFO") or "/")
        if route is None:
            return respond(start_response, 404, "text/plain", b"not found\n")
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD"):
            return respond(
                start_response, 405, "text/plain", b"read-only\n", [("Allow", "GET, HEAD")]
            )
        if method == "HEAD":  # answered as GET; waitress sends the headers only
            environ = {**environ, "REQUEST_METHOD": "GET"}
        return route(environ, start_response)

    def healthz(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        # A standby is healthy when it can reach the database: it is ready to take over.
        standby = not self.role.leading
        reason = None if standby or self.role.running() else "scheduler not running"
        reason = reason or self.probe.check()
        status = "standby" if standby else "ok"
        body = {"status": status} if reason is None else {"status": "unavailable", "reason": reason}
        return respond(
            start_response,
            200 if reason is None else 503,
            "application/json",
            json.dumps(body, ensure_ascii=False).encode() + b"\n",
        )

    def api_status(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        try:
            payload: dict[str, Any] = report_from(self.database, self.config).as_dict()
        except SQLAlchemyError as exc:
            return respond(
                start_response,
                503,
                "application/json",
                json.dumps({"error": f"database unavailable: {describe(exc)}"}).encode() + b"\n",
            )
        return respond(
            start_response,
            200,
            "application/json",
            json.dumps(payload, ensure_ascii=False).encode(),
        )

    def page(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            html = render(report_from(self.database, self.config))
        except SQLAlchemyError as exc:
            logger.warning("Status page: database unavailable: %s", describe(exc))
            return respond(
                start_response, 503, "text/plain", b"database unavailable; see /healthz\n"
            )
        return respond(start_response, 200, "text/html", html.encode("utf-8"))


def respond(
    start_response: StartResponse,
    status: int,
    content_type: str,
    body: bytes,
    headers: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    """Start a response with its length, UTF-8 charset and the security headers."""
    start_response(
        STATUS_LINES[status],
        [
            ("Content-Type", f"{content_type}; charset=utf-8"),
            ("Content-Length", str(len(body))),
            *SECURITY_HEADERS,
            *(headers or []),
        ],
    )
    return [body]


class StatusServer:
    """waitress serving an app from its own thread; binds at construction (errors show early)."""

    def __init__(self, app: StatusApp, listen: Listen, threads: int = 4) -> None:
        self._map: dict[int, Any] = {}
        try:
            self._server: Any = create_server(
                app,
                map=self._map,
                host=listen.host,
                port=listen.port,
                threads=threads,
                ident="newsmon",
                connection_limit=32,
                channel_timeout=30,
            )
        except OSError as exc:
            raise ConfigError(
                f"[daemon] listen {str(listen)!r}: cannot listen there: {exc.strerror or exc}"
            ) from exc
        self._thread = threading.Thread(target=self._server.run, name="status-http", daemon=True)

    @property
    def address(self) -> Listen:
        """The bound address (the real port when 0 was asked for)."""
        return Listen(str(self._server.effective_host), int(self._server.effective_port))

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Close every socket from the server's own loop thread, then wait for it."""
        self._server.task_dispatcher.shutdown(timeout=timeout)
        if not self._thread.is_alive():
            wasyncore.close_all(self._map)
            return
        self._server.trigger.pull_trigger(lambda: wasyncore.close_all(self._map))
        self._thread.join(timeout)
