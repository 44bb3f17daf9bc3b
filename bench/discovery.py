"""Entry-point discovery per fixture CMS family: found vs right (precision and recall).

Entry points: the feeds, sitemaps and listing pages found against the site's own.
Pattern: the inferred article pattern as a classifier over every same-site link of the site.
Run: python bench/discovery.py
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.probes.discover import discover_site
from crawler.probes.fetch import HttpFetcher
from tests.discovery_sites import FAMILIES, served


def _ratio(part: int, whole: int, width: int) -> str:
    """part/whole, or '-' when there is nothing to measure (an error page's empty truth)."""
    return f"{part / whole:>{width}.2f}" if whole else f"{'-':>{width}}"


def main() -> None:
    header = f"{'family':<16}{'entry P':>8}{'entry R':>8}{'pattern P':>10}{'pattern R':>10}"
    print(header + f"{'fetches':>8}{'seconds':>8}  pattern")
    for name, build in FAMILIES.items():
        site = build()
        with served(site) as resolve, HttpFetcher("bench", resolve=resolve) as fetcher:
            start = time.perf_counter()
            result = discover_site(site.homepage, fetcher)
            elapsed = time.perf_counter() - start
        found = {url for _, url in result.entry_points}
        right = site.entry_points
        regex = re.compile(result.article_pattern) if result.article_pattern else None
        links = site.articles | site.others
        predicted = {url for url in links if regex is not None and regex.search(url)}
        hits = len(predicted & site.articles)
        print(
            f"{name:<16}{_ratio(len(found & right), len(found), 8)}"
            f"{_ratio(len(found & right), len(right), 8)}"
            f"{_ratio(hits, len(predicted), 10)}{_ratio(hits, len(site.articles), 10)}"
            f"{result.fetches:>8}{elapsed:>8.2f}  {result.article_pattern or '-'}"
        )


if __name__ == "__main__":
    main()
