"""`newsmon corpus show|history|reextract` and `newsmon ingest`: the commands over captures."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from corpus_folder.store import CorpusStore
from crawler.capture.read import CaptureReadError
from crawler.config import AppConfig
from newsmon import provenance, reextract, revisions

EXIT_OK, EXIT_FAILED = 0, 1


def _say(text: str) -> None:
    print(text)


def _show(config: AppConfig, args: argparse.Namespace) -> int:
    database, archive = provenance.open_for(config)
    try:
        with database.session() as session:
            try:
                found = provenance.provenance(session, args.file)
                if args.html is not None:
                    page = provenance.captured_page(found, archive)
                    return _write_bytes(page.body, args.html)
                data = provenance.as_dict(found, archive)
            except (provenance.NotInCorpus, CaptureReadError) as exc:
                print(f"newsmon: {exc}", file=sys.stderr)
                return EXIT_FAILED
        store = CorpusStore(config.corpus.dir, database)
        details = revisions.revision_details(database, store, args.file, args.diff)
    finally:
        database.close()
    data.update(details)
    if args.json:
        _say(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _say(provenance.format_provenance(data) + "\n" + revisions.format_details(data))
    return EXIT_OK


def _write_bytes(data: bytes, target: str) -> int:
    if target == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        with open(target, "wb") as out:
            out.write(data)
    return EXIT_OK


def _history(config: AppConfig, args: argparse.Namespace) -> int:
    database, _ = provenance.open_for(config)
    try:
        with database.session() as session:
            try:
                data = provenance.history(session, args.file)
            except provenance.NotInCorpus as exc:
                print(f"newsmon: {exc}", file=sys.stderr)
                return EXIT_FAILED
    finally:
        database.close()
    if args.json:
        _say(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        lines = [f"{data['seq']:03d} is now {data['file']}"]
        lines += [
            f"  {r['at']}  {r['old']} -> {r['new']}  ({r['reason']}"
            f"{', run ' + r['run'] if r['run'] else ''})"
            for r in data["renames"]
        ]
        _say("\n".join(lines))
    return EXIT_OK


def _reextract(config: AppConfig, args: argparse.Namespace) -> int:
    if args.undo:
        if args.apply or args.since or args.source:
            print("newsmon: --undo takes no other option", file=sys.stderr)
            return 2
        try:
            report = reextract.undo(config, args.undo)
        except LookupError as exc:
            print(f"newsmon: {exc}", file=sys.stderr)
            return EXIT_FAILED
    else:
        report = reextract.reextract(config, args.since, args.source, apply=args.apply)
    _say(
        json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
        if args.json
        else reextract.format_report(report)
    )
    return EXIT_OK


def _ingest(config: AppConfig, args: argparse.Namespace) -> int:
    from crawler.crawl.ingest import ingest_files  # Scrapy loads only for this command

    report = ingest_files(config, args.files, any_host=args.any_host)
    if args.json:
        _say(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return EXIT_FAILED if report.failed else EXIT_OK
    for item in report.files:
        state = f"{item.records} records read, {item.matched} pages of wanted hosts"
        if item.resumed_from:
            state += f" (resumed at byte {item.resumed_from})"
        _say(f"{item.file}: {item.error or ('already ingested' if item.skipped else state)}")
    counts = ", ".join(f"{k} {v}" for k, v in report.counts.items()) or "nothing to do"
    _say(f"pipeline: {counts}")
    return EXIT_FAILED if report.failed else EXIT_OK


HANDLERS: dict[str, Callable[[AppConfig, Any], int]] = {
    "corpus show": _show,
    "corpus history": _history,
    "corpus reextract": _reextract,
    "ingest": _ingest,
}
