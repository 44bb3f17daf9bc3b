"""`newsmon topic explain|review|recheck`: audit the topic filter, recover what it dropped."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from crawler.config import AppConfig, ConfigError
from crawler.timeutil import KST, utc_now
from crawler.topic import DEFAULT_TOPIC, Topic
from crawler.topic.explain import explain
from db import repository
from db.session import open_database
from newsmon import commands
from newsmon.export import kst_day_start
from newsmon.tables import table
from newsmon.topic_args import REVIEW_DAYS

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED = 0, 1


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _topic(config: AppConfig) -> Topic:
    return config.topic if config.topic is not None else DEFAULT_TOPIC


# --- explain -------------------------------------------------------------------------------


Read = tuple[str, str, datetime | None]


def read_article(source: str, config: AppConfig) -> Read:
    """(headline, body, published) of a text or HTML file, a URL, or stdin ("-").

    Only an HTML page can give a date (from its metadata); a text gives None.
    """
    if source == "-":
        return (*split_text(sys.stdin.read()), None)
    if source.startswith(("http://", "https://")):
        headers = {"User-Agent": config.crawl.user_agent}
        response = httpx.get(
            source, headers=headers, timeout=config.crawl.timeout, follow_redirects=True
        )
        response.raise_for_status()
        return _from_html(response.content, str(response.url), response.headers.get("content-type"))
    data = Path(source).read_bytes()
    if b"<html" in data[:4096].lower() or b"<body" in data[:4096].lower():
        return _from_html(data, Path(source).resolve().as_uri(), None)
    return (*split_text(data.decode("utf-8", errors="replace")), None)


def split_text(text: str) -> tuple[str, str]:
    """A corpus-style text: the first non-empty line is the headline, the rest the body."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return (lines[0], "\n".join(line for line in lines[1:] if line)) if lines else ("", "")


def _from_html(data: bytes, url: str, content_type: str | None) -> Read:
    from crawler.parsers import extract  # lxml and the parsers only for `topic explain`

    extracted = extract(data, url, content_type=content_type)
    if extracted is None:
        raise ConfigError(f"no article body found in {url}")
    return extracted.headline, "\n".join(extracted.paragraphs), extracted.published_at


def format_explanation(data: dict[str, Any]) -> str:
    """The decision, what was missing, and a table of the evidence."""
    verdict = "ON TOPIC" if data["on_topic"] else "OFF TOPIC"
    score = f" (score {data['score']:.2f})" if data["score"] is not None else ""
    lines = [f"{verdict}{score}: {data['headline']}"]
    if not data["on_topic"]:
        lines.extend(f"  missing: {reason}" for reason in data["missing"] or [data["reason"]])
    if "gwangju_evidence" in data:
        other = data["strongest_other_place"]
        lines.append(
            f"  Gwangju evidence {data['gwangju_evidence']:g} (needs {data['gwangju_needed']:g}),"
            f" AI evidence {data['ai_evidence']:g} (needs {data['ai_needed']:g}),"
            f" strongest other place: {other['place']} {other['weight']:g}"
        )
        lines.extend(f"  discounted as {line}" for line in data["discounted"])
        if "merger_rule" in data:
            merger = data["merger_rule"]
            dated = merger["article_date"]
            lines.append(f"  merger rule (article dated {dated}): {merger['rule']}")
    rows = [
        (
            row["where"],
            row["term"],
            row["kind"],
            f"{row['weight']:g}" if row["weight"] else "",
            f"{row['topic_weight']:g}" if row["topic_weight"] else "",
            "yes" if row["counted"] else f"no ({row['discounted_as'] or 'confuser'})",
            row["group"],
        )
        for row in data["evidence"]
    ]
    headers = ("where", "term", "kind", "place weight", "AI weight", "counted", "group")
    lines += ["", table(headers, rows) if rows else "(no evidence found)"]
    return "\n".join(lines)


def _explain(config: AppConfig, args: argparse.Namespace) -> int:
    try:
        headline, body, published = read_article(args.article, config)
    except (OSError, httpx.HTTPError) as exc:
        raise ConfigError(f"cannot read {args.article}: {exc}") from exc
    # As the crawl does: the page's own date, else the day it is judged.
    when: date | datetime = args.date or published or utc_now().astimezone(KST).date()
    data = explain(_topic(config), headline, body, when)
    _say(json.dumps(data, ensure_ascii=False, indent=2) if args.json else format_explanation(data))
    return EXIT_OK


# --- review --------------------------------------------------------------------------------


def review_rows(config: AppConfig, since: date | None, limit: int) -> list[dict[str, Any]]:
    """Off-topic rejections since the KST day (default: a week ago), closest to the line first."""
    start = kst_day_start(since) if since else utc_now() - timedelta(days=REVIEW_DAYS)
    database = open_database(config.database.url)
    try:
        with database.session() as session:
            # A redirected article is remembered under each URL it had: list it once.
            rows = list(
                {row.url: row for row in repository.off_topic_seen(session, start)}.values()
            )
            return [
                {
                    "score": row.topic_score,
                    "headline": row.headline,
                    "url": row.url,
                    "source": row.source,
                    "rejected_at": row.last_seen_at.isoformat(),
                    "missing": (row.topic_missing or "").splitlines(),
                }
                for row in rows[:limit]
            ]
    finally:
        database.close()


def format_review(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no off-topic rejections in that period"
    blocks = []
    for row in rows:
        score = "-" if row["score"] is None else f"{row['score']:.2f}"
        blocks.append(
            f"{score}  [{row['source']}] {row['headline'] or '(no headline kept)'}\n"
            f"      {row['url']}\n"
            + "".join(f"      missing: {reason}\n" for reason in row["missing"])
        )
    return "\n".join(blocks).rstrip()


def _review(config: AppConfig, args: argparse.Namespace) -> int:
    rows = review_rows(config, args.since, args.limit)
    _say(json.dumps(rows, ensure_ascii=False, indent=2) if args.json else format_review(rows))
    return EXIT_OK


# --- recheck -------------------------------------------------------------------------------


def recheck_urls(config: AppConfig, since: date | None) -> dict[str, list[str]]:
    """Remembered off-topic URLs (rejected on or after the KST day), by configured source."""
    database = open_database(config.database.url)
    try:
        with database.session() as session:
            rows = repository.off_topic_seen(session, kst_day_start(since) if since else None)
            by_source: dict[str, dict[str, None]] = defaultdict(dict)
            for row in rows:  # one fetch per article, remembered under one URL or several
                by_source[row.source][row.url] = None
    finally:
        database.close()
    known = {source.key for source in config.sources}
    for key in sorted(set(by_source) - known):
        logger.warning(
            "Recheck skips %d URLs of %s: not a configured source", len(by_source[key]), key
        )
        del by_source[key]
    return {source: list(urls) for source, urls in by_source.items()}


def _recheck(config: AppConfig, args: argparse.Namespace) -> int:
    urls = recheck_urls(config, args.since)
    if not urls:
        _say("[]" if args.json else "no remembered off-topic articles in that period")
        return EXIT_OK
    # Scrapy is loaded only by commands that crawl
    from crawler.crawl.recheck import captured_pages, split_captured
    from crawler.crawl.runner import Replay, run_crawl

    database = open_database(config.database.url)
    try:
        captured, refetch = split_captured(config, database, urls)
    finally:
        database.close()
    replay = Replay(captured_pages(config, captured), "captures") if captured else None
    sources = [config.source(key) for key in refetch]
    reports = run_crawl(config, sources, urls=refetch, replay=replay)
    if args.json:
        _say(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        total = sum(len(found) for found in urls.values())
        added = sum(r.counts.added for r in reports)
        _say(
            f"rechecked {total} off-topic articles ({len(captured)} from their captures, "
            f"{total - len(captured)} fetched again): {added} now on topic and added"
        )
        _say(commands.crawl_table(reports))
    return EXIT_FAILED if any(r.failed for r in reports) else EXIT_OK


HANDLERS: dict[str, Callable[[AppConfig, argparse.Namespace], int]] = {
    "topic explain": _explain,
    "topic review": _review,
    "topic recheck": _recheck,
}
