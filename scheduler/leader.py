"""Which daemon schedules: a PostgreSQL session advisory lock held on a connection kept busy.

Why a lock and not a lease row: the server itself guarantees that one session holds it, and
releases it the moment that session ends. A killed daemon (its socket closed by the kernel)
or a cut connection (`pg_terminate_backend`, a server restart) frees the role at once, with
no expiry to wait out and no row rewritten every few seconds for months. A hang is what a
lock alone cannot see (a stopped process's socket stays open and its kernel still answers
TCP keepalives), so the lock's session sets `idle_session_timeout`: the leader runs a query
every `heartbeat`, and a leader that stops doing so loses its session, and the lock, after
`idle_timeout`. Server-side TCP keepalives end the session of a machine that vanished.

A leader trusts its role only until `validity` after its last answered heartbeat began;
every crawl, poll request and child start asks `valid()` first (no query: a clock check), so
a leader resumed after a hang stops before doing anything. A new leader waits `validity`
before its first crawl unless the previous one is known dead (same machine, pid gone): by
then any previous leader has stopped believing it leads.
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from crawler.timeutil import utc_now
from db import leadership
from db.leadership import Previous
from db.session import make_engine

logger = logging.getLogger(__name__)

Children = Callable[[], list[dict[str, object]]]


@dataclass(frozen=True)
class Timings:
    """Every interval of the protocol, from `[daemon] failover` (the bound on a takeover)."""

    heartbeat: float  # the leader's keep-alive query; the standby's attempt to take the lock
    idle_timeout: float  # the server ends a session silent this long (a hung leader's)
    validity: float  # a leader's trust in its role after an answered heartbeat

    @classmethod
    def from_failover(cls, seconds: float) -> Timings:
        # Hang: idle_timeout (server) + heartbeat (standby's next try) + validity (wait)
        # = 0.6 x failover, leaving room for connecting and a slow server.
        return cls(heartbeat=seconds * 0.1, idle_timeout=seconds * 0.3, validity=seconds * 0.2)


@dataclass(frozen=True)
class Identity:
    """This daemon, as written in `daemon_leader` and shown by the status page."""

    host: str
    boot_id: str
    pid: int
    holder: str

    @classmethod
    def current(cls, pid: int) -> Identity:
        host = socket.gethostname()
        return cls(host, boot_id(), pid, f"{host}:{pid}:{secrets.token_hex(4)}")

    def same_machine(self, other: Previous) -> bool:
        """Pids of `other` mean something here: same host name and the same boot."""
        return other.host == self.host and other.boot_id == self.boot_id


def boot_id() -> str:
    """The kernel's id of this boot (shared by containers, with the host name telling apart)."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return ""


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


class Leadership:
    """Campaign for the role (standby), hold it (leader), lose or resign it."""

    def __init__(self, url: str, failover: float, identity: Identity) -> None:
        self.url = url
        self.timings = Timings.from_failover(failover)
        self.identity = identity
        self.token = 0
        self.lost = threading.Event()  # set when the role is gone (or never held)
        self.lost.set()
        self._engine: Engine | None = None
        self._connection: Connection | None = None
        self._valid_until = 0.0
        self._poke = threading.Event()
        self._beating: threading.Thread | None = None
        self._children: Children = list
        self._written = ""
        self._warned = False
        self._use = threading.Lock()  # the connection: heartbeats and crawl starts

    def valid(self) -> bool:
        """This daemon leads now (a clock check, no query): asked before every crawl step."""
        return not self.lost.is_set() and time.monotonic() < self._valid_until

    def campaign(self, stop: threading.Event) -> Previous | None:
        """Try for the role every heartbeat until it is ours (the previous holder) or `stop`."""
        while not stop.is_set():
            started = time.monotonic()
            previous = self._try_take()
            if previous is not None:
                self._valid_until = started + self.timings.validity
                self.lost.clear()
                return previous
            stop.wait(self.timings.heartbeat)
        return None

    def hold(self, children: Children) -> None:
        """Keep the role alive from a thread of its own, writing the running crawls."""
        self._children = children
        self._written = ""
        self._beating = threading.Thread(target=self._beat_loop, name="leader", daemon=True)
        self._beating.start()

    def claim(self, source: str, running: list[dict[str, object]]) -> bool:
        """Write a crawl about to start, fenced by the token, before its process exists: a new
        leader then knows of it even if this daemon hangs before the start. False (and the role
        is gone) when the write is refused or fails."""
        if not self.valid():
            return False
        entry: dict[str, object] = {
            "pid": None,
            "source": source,
            "started_at": utc_now().isoformat(),
        }
        try:
            with self._use:
                if self._connection is None:
                    raise LookupError("no connection")
                if not leadership.write_children(
                    self._connection, self.identity.holder, self.token, [*running, entry]
                ):
                    raise LookupError("another daemon took over (the takeover token moved)")
                self._written = ""  # the next heartbeat writes the list with the real pid
        except (SQLAlchemyError, OSError, LookupError) as exc:
            self._lose(exc)
            return False
        return self.valid()

    def children_changed(self) -> None:
        """A crawl started or ended: write the list at once, not at the next heartbeat."""
        self._poke.set()

    def step_down(self, resign: bool) -> None:
        """Stop leading; `resign` (a clean stop) also tells the next leader not to wait."""
        self.lost.set()
        self._poke.set()
        if self._beating is not None:
            self._beating.join(self.timings.heartbeat + 1.0)
            if self._beating.is_alive():  # stuck on a dead socket: abandon that connection
                self._connection = None
            self._beating = None
        if resign and self._use.acquire(timeout=self.timings.heartbeat + 1.0):
            try:
                if self._connection is not None:
                    with suppress(SQLAlchemyError, OSError):
                        leadership.resign(self._connection, self.identity.holder, self.token)
            finally:
                self._use.release()
        self._close()

    def close(self) -> None:
        self.step_down(resign=not self.lost.is_set())
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def _beat_loop(self) -> None:
        while not self.lost.is_set():
            self._poke.wait(self.timings.heartbeat)
            self._poke.clear()
            if self.lost.is_set():
                return
            started = time.monotonic()
            try:
                self._beat()
            except (SQLAlchemyError, OSError, LookupError) as exc:
                self._lose(exc)
                return
            self._valid_until = started + self.timings.validity

    def _lose(self, exc: BaseException) -> None:
        if not self.lost.is_set():
            why = exc if isinstance(exc, LookupError) else f"the database connection failed ({exc})"
            logger.error("Lost the leader role: %s", why)
        self.lost.set()

    def _beat(self) -> None:
        children = self._children()  # before taking the connection: a crawl start holds both
        written = repr(children)
        with self._use:
            connection = self._connection
            if connection is None:
                raise LookupError("no connection")
            if written == self._written:
                connection.execute(text("SELECT 1"))
                return
            holder, token = self.identity.holder, self.token
            if not leadership.write_children(connection, holder, token, children):
                raise LookupError("another daemon took over (the takeover token moved)")
            self._written = written

    def _try_take(self) -> Previous | None:
        try:
            connection = self._connect()
            if not leadership.try_lock(connection):
                return None
            previous, self.token = leadership.take(connection, self.identity)
        except (SQLAlchemyError, OSError) as exc:
            if not self._warned:
                logger.warning("Standby cannot reach the database: %s", exc)
                self._warned = True
            self._close()
            return None
        self._warned = False
        return previous

    def _connect(self) -> Connection:
        if self._connection is not None:
            return self._connection
        if self._engine is None:
            # One connection, never pooled: the lock lives and dies with this session.
            self._engine = make_engine(self._lock_url(), pooled=False)
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            leadership.configure_session(
                connection,
                idle_timeout=self.timings.idle_timeout,
                statement_timeout=max(self.timings.heartbeat, 1.0),
                name=f"newsmon daemon {self.identity.host}:{self.identity.pid}",
            )
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection

    def _lock_url(self) -> str:
        """The URL with libpq's client-side limits: a dead server or network fails a query in
        seconds instead of leaving it waiting (TCP keepalives, unacknowledged data)."""
        timings = self.timings
        limits = {
            "connect_timeout": str(max(2, round(timings.idle_timeout))),
            "keepalives": "1",
            "keepalives_idle": str(max(1, round(timings.heartbeat))),
            "keepalives_interval": "1",
            "keepalives_count": "3",
            "tcp_user_timeout": str(round(timings.idle_timeout * 1000)),
        }
        url = make_url(self.url)
        return url.update_query_dict(limits).render_as_string(hide_password=False)

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(SQLAlchemyError, OSError):
                connection.close()
