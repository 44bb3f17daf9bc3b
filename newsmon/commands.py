"""What the CLI commands do and how their results are printed as tables."""

from __future__ import annotations

import dataclasses
import gc
from typing import TYPE_CHECKING, Any

from crawler.backfill.registry import offers
from crawler.config import AppConfig

if TYPE_CHECKING:
    from crawler.crawl.runner import SourceReport
from corpus_folder.store import CorpusStore, VerifyReport
from crawler.sources import Source
from db import migrate
from db.run_counts import RunCounts
from db.session import open_database
from newsmon.tables import table


def crawl(
    config: AppConfig, sources: list[Source] | None, urls: dict[str, list[str]] | None = None
) -> list[SourceReport]:
    """Run one crawl of the chosen sources (default: all enabled); `urls`: only those pages."""
    # Imported here, not at the top: `daemon` and `status` never load Scrapy (half their memory).
    # The import makes ~100k objects that live as long as the process: full collections during
    # it (~0.05 s each) would only find them alive, so it runs without, and they are frozen.
    gc.disable()
    try:
        # The HTTP handler first, on a short stack: its TLS modules make deprecated aliases
        # with inspect.stack(), which reads every frame's source and scans every loaded
        # module; inside Scrapy's engine set-up, where it would load otherwise, that is ~0.03 s
        # more per crawl.
        import scrapy.core.downloader.handlers.http11  # noqa: F401

        from crawler.crawl.runner import run_crawl
    finally:
        gc.enable()
    gc.freeze()
    return run_crawl(config, sources, urls)


def crawl_table(reports: list[SourceReport]) -> str:
    headers = ("source", *(name.replace("_", " ") for name in RunCounts.STORED), "status")
    rows = [(r.key, *r.counts.stored().values(), "FAILED" if r.failed else "ok") for r in reports]
    out = [table(headers, rows)]
    for report in reports:
        for name in report.added_files:
            out.append(f"  + {report.key}: {name}")
        c = report.counts
        if c.off_scope or c.refused:  # not fetched on purpose (see the log lines)
            out.append(f"  ~ {report.key}: {c.off_scope} off scope, {c.refused} refused")
        if report.failed:
            out.append(f"  ! {report.key}: {report.reason}")
    total = sum(r.counts.added for r in reports)
    out.append(f"{total} new article{'s' if total != 1 else ''}")
    return "\n".join(out)


_URL_LABELS = {"feeds": "feed", "sitemaps": "sitemap", "listings": "listing", "api_listings": "api"}


def sources_rows(config: AppConfig) -> list[dict[str, Any]]:
    rows = []
    for source in config.sources:
        rows.append(
            {
                "key": source.key,
                "name": source.name,
                "enabled": source.enabled,
                "every": source.every,
                "cron": source.cron,
                "feeds": list(source.feeds),
                "sitemaps": list(source.sitemaps),
                "listings": list(source.listings),
                "api_listings": list(source.api_listings),
                "api_listing": dataclasses.asdict(source.api_listing)
                if source.api_listing
                else None,
                "article_pattern": source.article_pattern,
                "sample_article": source.sample_article,
                "provenance": source.provenance,
                "backfill": [offer.as_dict() for offer in offers(source)],
            }
        )
    return rows


def sources_table(rows: list[dict[str, Any]], config: AppConfig) -> str:
    origin = str(config.path) if config.path else "built-in registry"
    lines = [f"{len(rows)} sources ({origin})"]
    for row in rows:
        state = "" if row["enabled"] else " [disabled]"
        schedule = row["cron"] or f"every {row['every']}"
        lines.append(f"{row['key']} ({row['name']}){state}, {schedule}")
        for kind, label in _URL_LABELS.items():
            lines.extend(f"  {label:8} {url}" for url in row[kind])
        doors = [offer["door"] for offer in row["backfill"]]
        if doors:
            lines.append(f"  backfill {', '.join(doors)}")
    topic = config.topic
    lines.append(
        "topic: "
        + (
            f"all={list(topic.all)} any={list(topic.any)} none={list(topic.none)}"
            if topic
            else "none (every article is kept)"
        )
        + (
            f" (evidence: built-in gazetteer + places={list(topic.places)}"
            f" entities={list(topic.entities)} terms={list(topic.terms)})"
            if topic and topic.evidence
            else ""
        )
    )
    return "\n".join(lines)


def verify(config: AppConfig, repair: bool) -> VerifyReport:
    """The corpus folder against its rows, then the WARC archive against its index."""
    from crawler.capture.reindex import check_archive

    database = open_database(config.database.url)
    try:
        report = CorpusStore(config.corpus.dir, database).verify(repair=repair)
        archive = check_archive(config.archive.directory(config.corpus.dir), database, repair)
        report.unindexed_captures, report.partial_captures = archive.unindexed, archive.partial
        return report
    finally:
        database.close()


def build_near_index(config: AppConfig) -> tuple[int, bool]:
    """Catch the near-duplicate index up with the corpus in the foreground, with progress, as
    a crawl would on first use; (documents held, complete). Interrupted, it resumes later."""
    from crawler.corpus_index import catch_up, open_index

    database = open_database(config.database.url)
    try:
        corpus = CorpusStore(config.corpus.dir, database)
        corpus.sync()
        with corpus.exclusive():
            index = open_index(corpus, config.dedup.near_threshold)
            try:
                complete = catch_up(corpus, index)
                return len(index), complete
            finally:
                index.close()
    finally:
        database.close()


def verify_dict(report: VerifyReport) -> dict[str, Any]:
    return {"ok": report.ok, **dataclasses.asdict(report)}


def verify_text(report: VerifyReport, repaired: bool) -> str:
    lines = []
    for name, value in dataclasses.asdict(report).items():
        if isinstance(value, list) and value:
            lines.append(f"{name.replace('_', ' ')}: {len(value)}")
            lines.extend(f"  {item}" for item in value[:50])
    if not lines:
        return "corpus OK: folder and database agree"
    lines.append(
        "repaired" if repaired else "run `newsmon corpus verify --repair` to fix what can be"
    )
    return "\n".join(lines)


def db_upgrade(config: AppConfig) -> str | None:
    migrate.upgrade(config.database.url)
    return migrate.current(config.database.url)
