"""The leader's SQL (PostgreSQL only): its session settings, advisory lock and `daemon_leader` row.

The lock is keyed by the schema, so installations sharing one database in different schemas
never contend. Writes to the row are fenced by the holder and the takeover token: a daemon that
lost the role cannot overwrite its successor's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from db.base import utc_now
from db.models import DaemonLeader

SCHEDULE = "schedule"  # the one row: the schedule of this database's sources
LOCK_NAMESPACE = 0x6E6D6F6E  # "nmon": first key of pg_try_advisory_lock(int, int)
LOCK_KEY = "hashtext(current_schema())"
LOCK_HELD = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    f" AND classid = :namespace AND objid = ({LOCK_KEY}::bigint & 4294967295)::oid"
    " AND objsubid = 2)"
)


class Holder(Protocol):
    """Who takes the role (scheduler.leader.Identity)."""

    @property
    def holder(self) -> str: ...
    @property
    def host(self) -> str: ...
    @property
    def boot_id(self) -> str: ...
    @property
    def pid(self) -> int: ...


@dataclass(frozen=True)
class Previous:
    """The row as the last leader left it (holder "" when none, or after a clean stop)."""

    holder: str = ""
    host: str = ""
    boot_id: str = ""
    pid: int = 0
    since: datetime | None = None
    token: int = 0
    children: list[dict[str, Any]] = field(default_factory=list)


def configure_session(
    connection: Connection, idle_timeout: float, statement_timeout: float, name: str
) -> None:
    """The lock session's settings: ended by the server when silent, no query stuck."""
    settings = {
        "idle_session_timeout": f"{round(idle_timeout * 1000)}ms",
        "statement_timeout": f"{round(statement_timeout * 1000)}ms",
        # A vanished machine sends no RST: probe it (TCP connections only; ignored on sockets).
        "tcp_keepalives_idle": str(max(1, round(idle_timeout))),
        "tcp_keepalives_interval": "1",
        "tcp_keepalives_count": "3",
        "application_name": name[:63],
    }
    for setting, value in settings.items():
        connection.execute(
            text("SELECT set_config(:setting, :value, false)"),
            {"setting": setting, "value": value},
        )


def try_lock(connection: Connection) -> bool:
    """Take the schedule's advisory lock for this session if it is free."""
    query = text(f"SELECT pg_try_advisory_lock(:namespace, {LOCK_KEY})")
    return bool(connection.execute(query, {"namespace": LOCK_NAMESPACE}).scalar())


def lock_held(session: Session) -> bool:
    """Some session holds the schedule's lock (an active daemon exists)."""
    return bool(session.execute(LOCK_HELD, {"namespace": LOCK_NAMESPACE}).scalar())


def take(connection: Connection, who: Holder) -> tuple[Previous, int]:
    """Write `who` as the leader (the lock is held); the previous row and the new token."""
    table = DaemonLeader.__table__
    row = connection.execute(select(table).where(table.c.name == SCHEDULE)).first()
    previous = Previous() if row is None else _previous(row._mapping)
    values = {
        "holder": who.holder,
        "host": who.host,
        "boot_id": who.boot_id,
        "pid": who.pid,
        "since": utc_now(),
        "children": "[]",
    }
    statement = (
        insert(DaemonLeader)
        .values(name=SCHEDULE, token=1, **values)
        .on_conflict_do_update(
            index_elements=[DaemonLeader.name], set_={**values, "token": DaemonLeader.token + 1}
        )
        .returning(DaemonLeader.token)
    )
    token = int(connection.execute(statement).scalar_one())
    return previous, token


def _previous(values: Any) -> Previous:
    try:
        children = json.loads(values["children"] or "[]")
    except ValueError:
        children = []
    return Previous(
        holder=values["holder"],
        host=values["host"],
        boot_id=values["boot_id"],
        pid=int(values["pid"]),
        since=values["since"],
        token=int(values["token"]),
        children=[c for c in children if isinstance(c, dict)],
    )


def write_children(
    connection: Connection, holder: str, token: int, children: list[dict[str, object]]
) -> bool:
    """Record the leader's running crawls; False when the row is no longer this leader's."""
    statement = (
        update(DaemonLeader)
        .where(
            DaemonLeader.name == SCHEDULE,
            DaemonLeader.holder == holder,
            DaemonLeader.token == token,
        )
        .values(children=json.dumps(children))
    )
    return bool(connection.execute(statement).rowcount)


def resign(connection: Connection, holder: str, token: int) -> None:
    """A clean stop: no crawl left, the next leader need not wait."""
    statement = (
        update(DaemonLeader)
        .where(
            DaemonLeader.name == SCHEDULE,
            DaemonLeader.holder == holder,
            DaemonLeader.token == token,
        )
        .values(holder="", children="[]")
    )
    connection.execute(statement)


def current(session: Session) -> tuple[DaemonLeader | None, bool]:
    """The leader row (None before any daemon led) and whether its lock is held now."""
    return session.get(DaemonLeader, SCHEDULE), lock_held(session)
