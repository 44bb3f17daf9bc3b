"""What this daemon does now (leads or stands by), for /healthz, /metrics and the status page."""

from __future__ import annotations

from dataclasses import dataclass

from apscheduler.schedulers.base import BaseScheduler


@dataclass
class Role:
    """`shared`: PostgreSQL, where several daemons may run and one leads at a time."""

    shared: bool
    leading: bool = False
    scheduler: BaseScheduler | None = None

    @property
    def state(self) -> str:
        return "leader" if self.leading else "standby"

    def running(self) -> bool:
        """The scheduler of this daemon's term runs, or is being built (a term's first moments:
        history read, jobs planned); False once a started scheduler has stopped."""
        return self.scheduler is None or bool(self.scheduler.running)
