"""The `newsmon revisions` arguments, apart from the commands: `--help` loads no database code."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `newsmon revisions [check]` on the CLI's subparsers."""
    revisions = sub.add_parser(
        "revisions", parents=[common], help="changes outlets made to stored articles"
    )
    revisions.add_argument("action", nargs="?", choices=["list", "check"], default="list",
                           help="check: run the re-checks due now")  # fmt: skip
    revisions.add_argument(
        "--since", type=date.fromisoformat, metavar="YYYY-MM-DD", help="found on or after (KST)"
    )
    revisions.add_argument("--source", metavar="KEY", help="only this source's articles")
    revisions.add_argument("--json", action="store_true")
    revisions.add_argument("--diff", action="store_true", help="show the changed lines")
