"""Logging set-up for the command line: text or one JSON object per line, on stderr."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """One JSON object per record, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _ThirdPartyFilter(logging.Filter):
    """Pass third-party records only from WARNING up (Scrapy resets its loggers to DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".", 1)[0] in _OURS:
            return True
        # Download failures are reported once, with their reason, by the spider.
        if record.name.startswith(_REPORTED_BY_US):
            return False
        return record.levelno >= logging.WARNING


_REPORTED_BY_US = (
    "scrapy.downloadermiddlewares.retry",
    "scrapy.downloadermiddlewares.robotstxt",
)


_OURS = ("newsmon", "crawler", "scheduler", "db", "__main__")


def setup_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Our loggers at `level`; Scrapy and Twisted only from WARNING up."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if level != "DEBUG":
        handler.addFilter(_ThirdPartyFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    for name in _OURS:
        logging.getLogger(name).setLevel(level)
