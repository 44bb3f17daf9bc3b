"""The daemon's monitoring side: metrics always, the HTTP server when `[daemon] listen` is set."""

from __future__ import annotations

import logging

from crawler.config import AppConfig
from crawler.sources import Source
from db.session import Database, make_engine
from scheduler.access import check_access
from scheduler.alerts import AlertSender, NullSender
from scheduler.jobs import CrawlOutcome
from scheduler.metrics import DaemonMetrics
from scheduler.role import Role
from scheduler.status import corpus_size
from scheduler.web import StatusApp, StatusServer

logger = logging.getLogger(__name__)


class Monitoring:
    """Built before anything starts, so a bad `listen`/`listen_token` stops the daemon at once."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config
        self.listen = check_access(config.daemon)
        self.metrics = DaemonMetrics(config, corpus_files=lambda: corpus_size(config))
        self.server: StatusServer | None = None
        self._database: Database | None = None

    def observe(self, source: Source, outcome: CrawlOutcome) -> None:
        """Count a finished crawl; a metrics problem never stops the run's review and alerts."""
        try:
            self.metrics.observe(source, outcome)
        except Exception:
            logger.exception("Metrics for the crawl of %s not updated", source.key)

    def start(self, database: Database, role: Role, sender: AlertSender | NullSender) -> None:
        """Seed the counters from the run history, then serve (ConfigError if it cannot bind)."""
        self.metrics.seed(database)
        self.metrics.track_role(role)
        sender.on_delivery = self.metrics.alert_delivered
        if self.listen is None:
            logger.info("Status server off ([daemon] listen is empty)")
            return
        # Its own engine without a pool: no connection stays open between requests.
        self._database = Database(make_engine(self.config.database.url, pooled=False))
        token = self.config.daemon.listen_token
        app = StatusApp(
            self.config,
            self._database,
            self.metrics,
            role=role,
            token=token,
        )
        self.server = StatusServer(app, self.listen)
        self.server.start()
        logger.info(
            "Status page on http://%s/ (also /metrics, /healthz, /api/status)%s",
            self.server.address,
            "; bearer token required" if token else "",
        )

    def stop(self) -> None:
        """Stop serving and drop the server's engine."""
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self._database is not None:
            self._database.close()
            self._database = None
