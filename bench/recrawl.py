"""Requests per source for a first and a second (nothing new) crawl of a fixture site.

Serves three sources on 127.0.0.1 — a feed with ETag support, a sitemap with Last-Modified and
a three-page listing — runs `newsmon crawl` twice in subprocesses and prints, per source, the
discovery and article requests of each run and the HTTP statuses they were answered with.
Run: python bench/recrawl.py
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conditional_server import ConditionalSite, Hit, serve_conditional
from tests.integration.harness import run_newsmon
from tests.integration.test_recrawl_command import build, config_for

SOURCES = {"feedsite": "/feed/", "mapsite": "/map/", "listsite": "/list/"}


def summary(hits: list[Hit]) -> dict[str, str]:
    rows = {}
    for key, prefix in SOURCES.items():
        mine = [hit for hit in hits if hit.path.startswith(prefix)]
        articles = [hit for hit in mine if "/news/" in hit.path]
        discovery = [hit for hit in mine if "/news/" not in hit.path]
        statuses = Counter(hit.status for hit in discovery)
        answered = ", ".join(f"{n}x{status}" for status, n in sorted(statuses.items()))
        rows[key] = f"discovery {len(discovery)} ({answered}), articles {len(articles)}"
    return rows


def main() -> int:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        (tmp / "corpus").mkdir()
        site = ConditionalSite()
        with serve_conditional(site):
            build(site)
            config = config_for(tmp, site, f"sqlite:///{tmp / 'newsmon.db'}")
            runs = []
            for _ in range(2):
                site.clear_log()
                result = run_newsmon("crawl", "--config", str(config), cwd=tmp)
                if result.returncode != 0:
                    print(result.stderr)
                    return 1
                runs.append(summary(site.answered()))
    for label, rows in zip(("first run", "second run"), runs, strict=True):
        print(label)
        for key, row in rows.items():
            print(f"  {key:<9} {row}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
