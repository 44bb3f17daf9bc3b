"""The `newsmon backfill` and `coverage` arguments, apart from the commands (`--help` is light)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

# crawler.backfill.doors.DOORS, written out so `--help` loads no crawler code (a test holds
# the two equal)
DOORS = ("search", "listing", "sitemap", "gnews", "naver", "archive")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `backfill` and `coverage` subcommands."""
    backfill = sub.add_parser(
        "backfill", parents=[common], help="fill the corpus with a date window's articles"
    )
    backfill.add_argument("--since", required=True, type=_day, metavar="YYYY-MM-DD")
    backfill.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="default: today")
    backfill.add_argument("--source", action="append", metavar="KEY", help="repeatable")
    backfill.add_argument(
        "--via", action="append", choices=DOORS, metavar="DOOR",
        help=f"only these doors (repeatable): {', '.join(DOORS)}",
    )  # fmt: skip
    backfill.add_argument("--json", action="store_true", help="print the summary as JSON")
    backfill.add_argument(
        "--dry-run", action="store_true", help="list what would be fetched; fetch no article"
    )
    coverage = sub.add_parser(
        "coverage", parents=[common], help="per source and month: what backfill reached"
    )
    coverage.add_argument("--source", action="append", metavar="KEY")
    coverage.add_argument("--days", action="store_true", help="the last 90 days, day by day")
    coverage.add_argument("--json", action="store_true")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a YYYY-MM-DD date") from exc
