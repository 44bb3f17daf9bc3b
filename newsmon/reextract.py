"""`newsmon corpus reextract`: today's extractor over the captured pages of corpus files.

Reports per file: unchanged, changed (headline, lines added/removed, token F1) or no_body (the
gate now finds no article). `apply` writes changed texts with `CorpusStore.replace` (same
number, new name, old bytes kept in the state folder), all under one run id that `undo` takes.
The near-duplicate index is rebuilt from the corpus afterwards (it is a cache of the files).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from corpus_folder.legacy import NEAR_INDEX
from corpus_folder.store import CorpusStore
from crawler.capture.compare import TextChange, compare_texts
from crawler.capture.read import CaptureReadError, read_page
from crawler.config import AppConfig
from crawler.extraction_worker import extract_article
from db import captures
from db.repository import article_by_seq
from newsmon.export import kst_day_start, opened_database

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileResult:
    """One corpus file's re-extraction."""

    file: str
    seq: int
    status: str  # unchanged | changed | no_body | unreadable | applied | refused
    change: TextChange | None = None
    new_file: str | None = None
    detail: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["change"] = asdict(self.change) if self.change is not None else None
        return data


@dataclass(frozen=True)
class Report:
    run: str | None
    files: list[FileResult]

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for item in self.files:
            result[item.status] = result.get(item.status, 0) + 1
        return result

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "counts": self.counts(),
            "files": [f.as_dict() for f in self.files],
        }


def new_run_id() -> str:
    """A run id that sorts by time: `re-20261206T163000Z`."""
    return datetime.now(UTC).strftime("re-%Y%m%dT%H%M%S%fZ")


def reextract(
    config: AppConfig, since: date | None = None, source: str | None = None, apply: bool = False
) -> Report:
    """Re-extract every present corpus file with a capture; with `apply`, write the changes."""
    database = opened_database(config)
    store = CorpusStore(config.corpus.dir, database)
    archive = config.archive.directory(config.corpus.dir)
    run = new_run_id() if apply else None
    try:
        with database.session() as session:
            start = kst_day_start(since) if since is not None else None
            pairs = [
                (a.seq, a.file_name, c.url, c.warc_file, c.warc_offset)
                for a, c in captures.articles_with_captures(session, start, source)
            ]
        results = [_one(config, store, archive, *pair, run) for pair in pairs]
        if run is not None and any(r.status == "applied" for r in results):
            _rebuild_near(config, store)
    finally:
        store.close()
        database.close()
    return Report(run, results)


def _one(
    config: AppConfig,
    store: CorpusStore,
    archive: Path,
    seq: int,
    name: str,
    url: str,
    warc_file: str,
    offset: int,
    run: str | None,
) -> FileResult:
    try:
        page = read_page(archive / warc_file, offset)
    except CaptureReadError as exc:
        return FileResult(name, seq, "unreadable", detail=str(exc))
    extraction = extract_article(
        page.body, page.url or url, page.content_type, config.crawl.min_body_chars, False
    )
    if extraction is None:
        return FileResult(name, seq, "no_body")
    old = (store.directory / name).read_text(encoding="utf-8", errors="replace")
    change = compare_texts(old, extraction.text)
    if old == extraction.text:
        return FileResult(name, seq, "unchanged")
    if run is None:
        return FileResult(name, seq, "changed", change)
    try:
        replaced = store.replace(seq, extraction.text, reason="reextract", run=run)
    except ValueError as exc:
        return FileResult(name, seq, "refused", change, detail=str(exc))
    return FileResult(name, seq, "applied", change, new_file=replaced.new_name)


def undo(config: AppConfig, run: str) -> Report:
    """Put back the texts run `run` replaced (newest first); a file renamed since is left."""
    database = opened_database(config)
    store = CorpusStore(config.corpus.dir, database)
    results: list[FileResult] = []
    try:
        with database.session() as session:
            renames = [
                (r.seq, r.old_file_name, r.new_file_name)
                for r in captures.renames_of_run(session, run)
            ]
            current = {seq: _current_name(session, seq) for seq, _, _ in renames}
        if not renames:
            raise LookupError(f"no corpus file was replaced by run {run!r}")
        for seq, old_name, new_name in renames:
            if current[seq] != new_name:
                results.append(
                    FileResult(
                        new_name, seq, "refused", detail=f"renamed since, now {current[seq]}"
                    )
                )
                continue
            restored = store.replace(
                seq, store.kept_text(old_name), reason="undo", run=f"undo-{run}"[:32]
            )
            results.append(FileResult(new_name, seq, "applied", new_file=restored.new_name))
        _rebuild_near(config, store)
    finally:
        store.close()
        database.close()
    return Report(run, results)


def _current_name(session: Session, seq: int) -> str | None:
    article = article_by_seq(session, seq)
    return article.file_name if article is not None else None


def _rebuild_near(config: AppConfig, store: CorpusStore) -> None:
    """The near-duplicate index follows the new texts: emptied, then filled from the files as
    on first use (worker processes; resumable: killed half-way, the next start goes on)."""
    directory = store.state_dir / NEAR_INDEX
    if not config.dedup.near or not directory.is_dir():
        return
    from crawler.corpus_index import catch_up, open_index

    with store.exclusive():
        index = open_index(store, config.dedup.near_threshold)
        try:
            index.rebuild(())  # the replaced names go; the mark no longer holds
            catch_up(store, index)
        finally:
            index.close()


def format_report(report: Report) -> str:
    """One line per file that is not unchanged, then the counts."""
    lines = []
    for item in report.files:
        if item.status == "unchanged":
            continue
        line = f"{item.file}  {item.status}"
        if item.change is not None:
            c = item.change
            line += (
                f"  headline {'changed' if c.headline_changed else 'same'}, "
                f"+{c.lines_added}/-{c.lines_removed} lines, token F1 {c.token_f1:.3f}"
            )
        if item.new_file:
            line += f"  -> {item.new_file}"
        if item.detail:
            line += f"  ({item.detail})"
        lines.append(line)
    counts = (
        ", ".join(f"{k} {v}" for k, v in sorted(report.counts().items())) or "no captured files"
    )
    lines.append(counts + (f"; run {report.run}" if report.run else ""))
    if report.run is None and report.counts().get("changed"):
        lines.append("nothing written: run again with --apply to write the changed texts")
    return "\n".join(lines)
