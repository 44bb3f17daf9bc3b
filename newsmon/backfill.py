"""`newsmon backfill` and `newsmon coverage`: run a backfill, show it, print the ledger."""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawler.config import AppConfig, ConfigError
from crawler.timeutil import KST
from newsmon.tables import table

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from tqdm import tqdm

    from crawler.crawl.backfill_runner import BackfillReport, Snapshot
    from crawler.sources import Source
    from scheduler.coverage import SourceCoverage


def run_backfill(config: AppConfig, args: argparse.Namespace) -> int:
    from crawler.backfill.plan import Plan
    from crawler.backfill.window import Window

    today = datetime.now(KST).date()
    try:
        window = Window(args.since, args.until or today)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    plan = Plan(window, today, tuple(args.via or ()), args.dry_run)
    sources = _sources(config, args.source, plan)
    bars = Bars(sources) if sys.stderr.isatty() and not args.json else None
    gc.disable()  # as `crawl`: Scrapy's import makes objects that live as long as the process
    try:
        from crawler.crawl.backfill_runner import run_backfill as run
    finally:
        gc.enable()
    try:
        reports = run(config, sources, plan, bars.update if bars else None)
    finally:
        if bars is not None:
            bars.close()
    if args.json:
        _say(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        _say(summary(reports, plan.dry_run))
    failed = [r for r in reports if r.failed]
    for report in failed:
        sys.stderr.write(f"newsmon: source {report.key} failed: {report.reason}\n")
    return 1 if failed else 0


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _sources(config: AppConfig, keys: list[str] | None, plan: Any) -> list[Source]:
    import os

    from crawler.sources.engines import NAVER_ID_ENV, NAVER_SECRET_ENV, naver_credentials

    naver_keys = naver_credentials(os.environ) is not None
    if not naver_keys and (not plan.via or "naver" in plan.via):
        # said once: the Naver source is not configured without its keys
        logger.info("Naver door skipped: set %s and %s to use it", NAVER_ID_ENV, NAVER_SECRET_ENV)
    chosen = [config.source(k) for k in keys] if keys else list(config.sources)
    usable = [s for s in chosen if (keys or s.enabled) and plan.wanted(s)]
    if not usable:
        doors = ", ".join(plan.via) or "any door"
        hint = ""
        if plan.via == ("naver",) and not naver_keys:
            hint = f": the naver door needs {NAVER_ID_ENV} and {NAVER_SECRET_ENV}"
        raise ConfigError(f"no chosen source offers {doors}{hint} (see `newsmon sources`)")
    return usable


class Bars:
    """One progress bar per source (tqdm, on the terminal's stderr): months reached of the
    window, found / fetched / added, the month being walked, and the ETA tqdm derives."""

    def __init__(self, sources: list[Source]) -> None:
        from tqdm import tqdm

        shape = "{desc} {bar} {n_fmt}/{total_fmt} months {postfix} [{elapsed}<{remaining}]"
        self.bars: dict[str, tqdm[Any]] = {
            source.key: tqdm(
                total=1,
                desc=source.key,
                position=i,
                unit="month",
                leave=True,
                file=sys.stderr,
                bar_format=shape,
            )
            for i, source in enumerate(sources)
        }

    def update(self, snap: Snapshot) -> None:
        bar = self.bars.get(snap.key)
        if bar is None:
            return
        bar.total = snap.months
        bar.n = snap.reached
        walking = snap.walking or "-"
        bar.set_postfix_str(
            f"{walking} found {snap.found} fetched {snap.fetched} added {snap.added}",
            refresh=False,
        )
        bar.refresh()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def summary(reports: list[BackfillReport], dry_run: bool) -> str:
    """Per source and door: requests, pages, listed, skipped outside the window; then totals."""
    rows = []
    for r in reports:
        for door, c in r.doors.items():
            state = "complete" if c["complete"] else "open"
            rows.append((r.key, door, c["requests"], c["pages"], c["listed"],
                         c["outside_window"], state))  # fmt: skip
        for door, why in r.skipped.items():
            rows.append((r.key, door, 0, 0, 0, 0, f"skipped: {why}"))
    headers = ("source", "door", "requests", "pages", "listed", "outside", "cursor")
    out = [table(headers, rows)]
    if dry_run:
        out.append(_would_fetch(reports))
        return "\n".join(out)
    for r in reports:
        n = r.counts
        out.append(
            f"{r.key}: fetched {n.fetched}, on topic {n.on_topic}, duplicates {n.duplicates}, "
            f"added {n.added}, known {n.skipped_known}, outside window {r.outside_window}, "
            f"undated {r.undated}, errors {n.errors}"
        )
        out.extend(f"  + {r.key}: {name}" for name in r.added_files)
    total = sum(r.counts.added for r in reports)
    out.append(f"{total} new article{'s' if total != 1 else ''}")
    return "\n".join(out)


def _would_fetch(reports: list[BackfillReport]) -> str:
    rows = [
        (r.key, door, month, count, r.doors.get(door, {}).get("requests", 0))
        for r in reports
        for door, months in r.would_fetch.items()
        for month, count in months.items()
    ]
    lines = [table(("source", "door", "month", "would fetch", "door requests"), rows)]
    lines.append("dry run: discovery pages only; no article fetched, no cursor moved")
    return "\n".join(lines)


def show_coverage(config: AppConfig, args: argparse.Namespace) -> int:
    from scheduler.coverage import collect_coverage

    keys = [config.source(k).key for k in args.source] if args.source else None
    found = collect_coverage(config, keys)
    if args.json:
        _say(json.dumps([c.as_dict() for c in found], ensure_ascii=False, indent=2))
    else:
        _say(coverage_text(found, days=args.days))
    return 0


def coverage_text(found: list[SourceCoverage], days: bool = False) -> str:
    if not found:
        return "no backfill has run yet: `newsmon backfill --since YYYY-MM-DD`"
    out = []
    for source in found:
        cells = source.days if days else source.months
        rows = [
            (c.period, c.listed, c.fetched, c.on_topic, c.added, c.corpus,
             ",".join(c.doors) or "-", "GAP" if c.gap else "")
            for c in cells
        ]  # fmt: skip
        gaps = sum(1 for c in source.months if c.gap)
        out.append(f"{source.key}: {len(source.months)} months, {gaps} not reached by any door")
        headers = ("period", "listed", "fetched", "on topic", "added", "corpus", "doors", "")
        out.append(table(headers, rows))
    return "\n".join(out)
