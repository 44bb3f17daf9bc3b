"""With PostgreSQL: wait as a standby, lead when the role is ours, stand by again if it goes."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from crawler.config import AppConfig
from db.session import Database
from scheduler.jobs import ChildRegistry, utc_now
from scheduler.leader import Identity, Leadership
from scheduler.role import Role
from scheduler.takeover import TermGuard, take_over

logger = logging.getLogger(__name__)

Lead = Callable[[ChildRegistry, TermGuard], None]  # one term; returns on a stop or a loss


def stand_by(
    config: AppConfig, database: Database, role: Role, stop: threading.Event, lead: Lead
) -> None:
    """Campaign, lead, and campaign again after a loss, until `stop`."""
    me = Identity.current(os.getpid())
    leadership = Leadership(config.database.url, config.daemon.failover, me)
    logger.info(
        "Standby %s (pid %d): waiting for the active role (failover within %.0fs)",
        me.host,
        me.pid,
        config.daemon.failover,
    )
    try:
        while not stop.is_set():
            role.leading = False
            previous = leadership.campaign(stop)
            if previous is None:
                break
            began = utc_now()
            registry = ChildRegistry(on_change=lambda _: leadership.children_changed())
            registry.permit = leadership.valid
            registry.claim = leadership.claim
            leadership.hold(registry.entries)
            pending = take_over(previous, me, database, leadership, stop)
            if leadership.valid() and not stop.is_set():
                role.leading = True
                lead(registry, TermGuard(leadership, database, config, began, pending))
            clean = stop.is_set() and leadership.valid()
            role.leading = False
            leadership.step_down(resign=clean)
            if not clean:
                # Not straight back: a standby that saw the role go free gets it first.
                pause = leadership.timings.idle_timeout
                logger.warning("Standing by again in %.1fs: another daemon may lead now", pause)
                stop.wait(pause)
    finally:
        role.leading = False
        leadership.close()
