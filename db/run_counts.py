"""The counts of one run, typed: the one place their names are listed, for the crawl's report,
the daemon's poll, the child's `--json`, the log line, the `crawl_runs` row and `/metrics`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar


@dataclass(frozen=True)
class RunCounts:
    """What a run of one source (crawl, poll, backfill, ingest) did to the articles it saw."""

    discovered: int = 0  # distinct article links found by discovery
    fetched: int = 0
    on_topic: int = 0
    duplicates: int = 0  # exact + near
    added: int = 0
    errors: int = 0
    skipped_known: int = 0  # links a previous run took care of: not fetched
    no_body: int = 0  # pages without an article body (none, or under the minimum)
    exact_duplicates: int = 0
    near_duplicates: int = 0
    off_topic: int = 0
    off_scope: int = 0  # links to other sites: not fetched
    refused: int = 0  # too large, redirect loops …: not fetched

    # The six a `crawl_runs` row keeps (its columns); the rest live in the report and the stats.
    STORED: ClassVar[tuple[str, ...]] = (
        "discovered",
        "fetched",
        "on_topic",
        "duplicates",
        "added",
        "errors",
    )
    # `newsmon_articles_total{result=…}`: metric label -> the count it follows.
    RESULTS: ClassVar[dict[str, str]] = {
        "added": "added",
        "exact_duplicate": "exact_duplicates",
        "near_duplicate": "near_duplicates",
        "off_topic": "off_topic",
        "error": "errors",
    }

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_report(cls, report: Mapping[str, Any]) -> RunCounts:
        """The counts of a report dict (a child's `--json`); anything else there is ignored."""
        values = {name: report.get(name, 0) for name in cls.names()}
        return cls(**{k: v if isinstance(v, int) else 0 for k, v in values.items()})

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def stored(self) -> dict[str, int]:
        """The values of the `crawl_runs` columns."""
        return {name: getattr(self, name) for name in self.STORED}

    def results(self) -> dict[str, int]:
        """Metric label -> count, for `newsmon_articles_total`."""
        return {label: getattr(self, name) for label, name in self.RESULTS.items()}

    def summary(self) -> str:
        """The counts of the one log line per run."""
        return ", ".join(f"{name.replace('_', ' ')} {getattr(self, name)}" for name in self.STORED)
