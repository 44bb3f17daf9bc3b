"""`newsmon revisions`: list recorded revisions and retractions; `revisions check` runs the due
re-checks now (for users who schedule with cron instead of the daemon)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

from crawler.config import AppConfig
from crawler.timeutil import KST

if TYPE_CHECKING:
    from corpus_folder.store import CorpusStore
    from db.revisions import RevisionRow
    from db.session import Database

EXIT_OK, EXIT_FAILED = 0, 1


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def run(config: AppConfig, args: argparse.Namespace) -> int:
    return (_check if args.action == "check" else _list)(config, args)


def _check(config: AppConfig, args: argparse.Namespace) -> int:
    from corpus_folder.store import CorpusStore
    from db.session import open_database
    from scheduler.recheck import Rechecker

    database = open_database(config.database.url)  # a writer, as crawl: migrates if behind
    checker = Rechecker(config, database, CorpusStore(config.corpus.dir, database))
    try:
        report = checker.run()
    finally:
        checker.close()
        database.close()
    counts = report.as_dict()
    if args.json:
        _out(json.dumps(counts, indent=2))
    else:
        _out("  ".join(f"{name} {value}" for name, value in counts.items()))
    return EXIT_OK


def _list(config: AppConfig, args: argparse.Namespace) -> int:
    from corpus_folder.store import CorpusStore
    from db import revisions
    from db.migrate import open_current

    since = None
    if args.since is not None:
        since = datetime.combine(args.since, time(), tzinfo=KST).astimezone(UTC)
    database = open_current(config.database.url)
    try:
        with database.session() as session:
            rows = revisions.list_revisions(session, since=since, source=args.source)
        store = CorpusStore(config.corpus.dir, database)
        entries = [_entry(row, store, args.diff) for row in rows]
    finally:
        database.close()
    if args.json:
        _out(json.dumps(entries, ensure_ascii=False, indent=2))
    else:
        _out(format_entries(entries))
    return EXIT_OK


def revision_details(
    database: Database, store: CorpusStore, ref: str, with_diff: bool
) -> dict[str, Any]:
    """One article's re-check state and revision history (`newsmon corpus show` adds them)."""
    from db import revisions

    with database.session() as session:
        found = revisions.article_state(session, ref)
        if found is None:
            return {"next_recheck_at": None, "recheck_failures": 0, "history": []}
        article, queued = found
        rows = revisions.list_revisions(session, article_id=article.id)
    return {
        "next_recheck_at": _iso(queued.due_at) if queued is not None else None,
        "recheck_failures": queued.failures if queued is not None else 0,
        "history": [_entry(row, store, with_diff) for row in rows],
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def format_details(record: dict[str, Any]) -> str:
    """The re-check state and the history as lines under an article's provenance."""
    lines = []
    if record["next_recheck_at"] is not None:
        due = datetime.fromisoformat(record["next_recheck_at"]).astimezone(KST)
        lines.append(f"next re-check: {due:%Y-%m-%d %H:%M} KST")
    history = record["history"]
    lines.append(format_entries(history) if history else "no revisions recorded")
    return "\n".join(lines)


def _entry(row: RevisionRow, store: CorpusStore, with_diff: bool) -> dict[str, Any]:
    revision = row.revision
    entry: dict[str, Any] = {
        "file": row.file_name, "seq": row.seq, "source": row.source, "url": row.url,
        "kind": revision.kind, "detected_at": revision.detected_at.isoformat(),
        "headline_old": revision.headline_old, "headline_new": revision.headline_new,
        "lines_added": revision.lines_added, "lines_removed": revision.lines_removed,
        "tokens_changed": revision.tokens_changed, "text_path": revision.text_path,
        "replaced_file": revision.replaced_file, "detail": revision.detail,
    }  # fmt: skip
    if with_diff:
        entry["diff"] = _diff(row, store)
    return entry


def _diff(row: RevisionRow, store: CorpusStore) -> list[str]:
    """The changed lines against the version before this one (the corpus file or a revision)."""
    from corpus_folder.revision_texts import read_version
    from crawler.revisions.compare import content_lines, line_diff
    from db import revisions

    revision = row.revision
    if revision.text_path is None:
        return []
    with store.database.session() as session:
        earlier = [
            r.revision.text_path
            for r in revisions.list_revisions(session, article_id=revision.article_id)
            if r.revision.text_path and r.revision.detected_at < revision.detected_at
        ]
    before = _first_version(store, row.file_name, row.seq) if not earlier else None
    old = read_version(store.state_dir, earlier[-1]) if earlier else before or ""
    new = read_version(store.state_dir, revision.text_path)
    return line_diff(content_lines(old), content_lines(new))[2]


def _first_version(store: CorpusStore, file_name: str, seq: int) -> str:
    """The text first stored: the corpus file, or (corpus = "latest") the replaced file kept."""
    from corpus_folder.replace import REPLACED_DIR

    kept = list((store.state_dir / REPLACED_DIR).glob(f"{seq:03d}_*.txt"))
    # Each replaced file was moved out when the next version came: the oldest is the first.
    path = min(kept, key=lambda p: p.stat().st_mtime_ns) if kept else store.directory / file_name
    return str(path.read_text(encoding="utf-8"))


def format_entries(entries: list[dict[str, Any]]) -> str:
    """One block per revision: when, which file, what changed (and the diff when asked)."""
    if not entries:
        return "no revisions recorded"
    blocks = []
    for entry in entries:
        when = datetime.fromisoformat(entry["detected_at"]).astimezone(KST)
        source = entry["source"] or "-"
        lines = [f"{when:%Y-%m-%d %H:%M} KST  {entry['file']}  {source}  {entry['kind']}"]
        lines.append(f"  {entry['url']}")
        lines += _summary(entry)
        lines += [f"  {line}" for line in entry.get("diff", [])]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def _summary(entry: dict[str, Any]) -> list[str]:
    if entry["kind"] == "retracted":
        return [f"  retracted: {entry['detail']}"]
    lines = []
    if entry["headline_old"] is not None:
        lines.append(f"  headline: {entry['headline_old']} -> {entry['headline_new']}")
    lines.append(
        f"  +{entry['lines_added']} -{entry['lines_removed']} lines, "
        f"{entry['tokens_changed']} tokens changed"
    )
    return lines
