"""`newsmon export` and `newsmon corpus stats`: corpus metadata as JSON Lines/CSV, and counts.

One export row per corpus file present in the folder, in seq order, with the columns of
`EXPORT_FIELDS`. Corpus files are never near duplicates themselves (a near duplicate is not
appended), so `near_duplicate_of` lists the other way round: the URLs of articles that were
later caught as near duplicates *of this file* and therefore not stored, first seen first.
In JSON Lines it is an array; in CSV the URLs are joined with ";" (empty when there are none).
`revisions` counts the changes the outlet made to the article after it was stored (re-checks,
see `newsmon revisions`), `last_revised_at` is the latest one found and `retracted_at` when it
was found taken down (empty when none).
`previous_names` lists the names the file had before it was replaced under its number
(`corpus reextract --apply`), oldest first, in the same way.
Datetimes are ISO 8601 in UTC; `since` is a KST calendar date compared with `fetched_at`.

Both commands first index files the database does not know yet (the seeds, files a user
dropped in), exactly as a crawl would on first use, so they describe the folder as it is.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Literal, TextIO

from corpus_folder.store import CorpusStore
from crawler.capture.size import ArchiveSize, archive_size
from crawler.config import AppConfig
from crawler.timeutil import KST
from db import captures, queries, revisions
from db.migrate import open_current
from db.session import Database

logger = logging.getLogger(__name__)

EXPORT_FIELDS = (
    "file",
    "seq",
    "url",
    "source",
    "headline",
    "published_at",
    "fetched_at",
    "content_hash",
    "near_duplicate_of",
    "revisions",
    "last_revised_at",
    "retracted_at",
    "previous_names",
)
CSV_LIST_SEPARATOR = ";"
NO_HISTORY = revisions.ArticleHistory(0, None, None)
ExportFormat = Literal["jsonl", "csv"]


@dataclass(frozen=True)
class CorpusStats:
    """What the corpus holds and what the crawls kept out of it."""

    files: int
    missing: int = 0  # rows whose file is gone from the folder (see `corpus verify`)
    by_source: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)  # KST month of publication
    exact_duplicates: int = 0
    near_duplicates: int = 0
    off_topic: int = 0
    no_body: int = 0
    archive: ArchiveSize | None = None  # WARC captures: files, bytes on disk, records indexed

    def as_dict(self) -> dict[str, object]:
        """The stats as plain JSON-ready values."""
        return asdict(self)


def opened_database(config: AppConfig) -> Database:
    """The database, with any folder files it does not know indexed first."""
    database = open_current(config.database.url)
    if config.corpus.dir.is_dir():
        indexed = CorpusStore(config.corpus.dir, database).sync()
        logger.debug("Indexed %d new corpus files before reporting", indexed)
    return database


def kst_day_start(day: date) -> datetime:
    """Midnight KST at the start of `day`, as UTC."""
    return datetime.combine(day, time(), tzinfo=KST).astimezone(UTC)


def export_rows(config: AppConfig, since: date | None) -> Iterator[dict[str, object]]:
    """One row per corpus file (seq order) fetched on or after the KST date `since`."""
    database = opened_database(config)
    try:
        with database.session() as session:
            near = queries.near_duplicate_urls(session)
            changed = revisions.histories(session)
            previous = captures.old_names(session)
            start = kst_day_start(since) if since is not None else None
            for row in queries.export_articles(session, start):
                if not _regular(config.corpus.dir / str(row["file"])):
                    continue  # replaced by a symlink or such: `corpus verify` reports it
                row["near_duplicate_of"] = near.get(str(row["file"]), [])
                history = changed.get(str(row["file"]), NO_HISTORY)
                row["revisions"] = history.revisions
                row["last_revised_at"] = history.last_revised_at
                row["retracted_at"] = history.retracted_at
                row["previous_names"] = previous.get(str(row["file"]), [])
                yield row
    finally:
        database.close()


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def write_export(rows: Iterable[dict[str, object]], fmt: ExportFormat, out: TextIO) -> int:
    """Write rows as JSON Lines or CSV (with a header) to `out`; returns the rows written."""
    if fmt == "jsonl":
        return _write_jsonl(rows, out)
    if fmt == "csv":
        return _write_csv(rows, out)
    raise ValueError(f"unknown export format {fmt!r} (expected jsonl or csv)")


def _write_jsonl(rows: Iterable[dict[str, object]], out: TextIO) -> int:
    written = 0
    for row in rows:
        record = {name: _json_value(row.get(name)) for name in EXPORT_FIELDS}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        written += 1
    return written


def _write_csv(rows: Iterable[dict[str, object]], out: TextIO) -> int:
    # "\n" rather than csv's "\r\n": a text stream that translates newlines would double the \r.
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_FIELDS)
    written = 0
    for row in rows:
        writer.writerow([_csv_value(row.get(name)) for name in EXPORT_FIELDS])
        written += 1
    return written


def iso_utc(value: datetime) -> str:
    """A timezone-aware datetime as ISO 8601 in UTC, to the second."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, list | tuple):
        return CSV_LIST_SEPARATOR.join(str(item) for item in value)
    return value


def corpus_stats(config: AppConfig) -> CorpusStats:
    """Count the corpus files (in total, per source, per KST month) and the seen URLs' fates."""
    database = opened_database(config)
    try:
        with database.session() as session:
            present, missing = queries.count_files(session)
            statuses = queries.seen_status_counts(session)
            return CorpusStats(
                files=present,
                missing=missing,
                by_source=queries.files_by_source(session),
                by_month=queries.files_by_month(session),
                exact_duplicates=statuses.get("duplicate", 0),
                near_duplicates=statuses.get("near_duplicate", 0),
                off_topic=statuses.get("off_topic", 0),
                no_body=statuses.get("no_body", 0),
                archive=archive_size(
                    config.archive.directory(config.corpus.dir),
                    captures.archive_counts(session)[0],
                ),
            )
    finally:
        database.close()


def format_stats(stats: CorpusStats) -> str:
    """The stats as a short text report (sources and months as aligned two-column tables)."""
    lines = [f"files: {stats.files}"]
    if stats.missing:
        lines.append(f"missing files: {stats.missing} (run `newsmon corpus verify`)")
    lines += _section("by source", stats.by_source)
    lines += _section("by month (KST, published)", stats.by_month)
    lines += [
        "",
        "kept out of the corpus (seen URLs):",
        f"  exact duplicates  {stats.exact_duplicates}",
        f"  near duplicates   {stats.near_duplicates}",
        f"  off topic         {stats.off_topic}",
        f"  no body           {stats.no_body}",
    ]
    if stats.archive is not None:
        lines += ["", f"archive: {stats.archive.text()}"]
    return "\n".join(lines)


def _section(title: str, counts: dict[str, int]) -> list[str]:
    if not counts:
        return ["", f"{title}: none"]
    width = max(len(key) for key in counts)
    return ["", f"{title}:", *(f"  {key:<{width}}  {count}" for key, count in counts.items())]
