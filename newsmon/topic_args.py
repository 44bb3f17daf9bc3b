"""The `newsmon topic` arguments, apart from the commands: `--help` loads no database code."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

REVIEW_DAYS = 7  # `topic review` without --since looks back this far
REVIEW_LIMIT = 20


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `newsmon topic ...` on the CLI's subparsers."""
    topic = sub.add_parser("topic", parents=[common], help="audit and recheck the topic filter")
    topic_sub = topic.add_subparsers(dest="topic_command", required=True)
    since = {"type": date.fromisoformat, "metavar": "YYYY-MM-DD"}
    explain_cmd = topic_sub.add_parser(
        "explain", parents=[common], help="the decision and its evidence for one article"
    )
    explain_cmd.add_argument("article", metavar="FILE|URL|-", help="text or HTML file, URL, stdin")
    explain_cmd.add_argument("--json", action="store_true")
    explain_cmd.add_argument(
        "--date",
        help="the article's date for the merger rule (default: the page's, else today)",
        **since,
    )
    review = topic_sub.add_parser(
        "review", parents=[common], help="recent off-topic rejections, closest to the line first"
    )
    review.add_argument(
        "--since", help=f"rejected on or after (KST; default {REVIEW_DAYS} days)", **since
    )
    review.add_argument("--limit", type=int, default=REVIEW_LIMIT)
    review.add_argument("--json", action="store_true")
    recheck = topic_sub.add_parser(
        "recheck", parents=[common], help="refetch remembered off-topic articles, re-decide them"
    )
    recheck.add_argument("--since", help="rejected on or after (KST; default: all)", **since)
    recheck.add_argument("--json", action="store_true")
