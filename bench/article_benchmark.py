"""newsmon and trafilatura on the ScrapingHub article-extraction benchmark (181 pages, many
sites and languages), scored with the benchmark's own pooled shingle metric.

newsmon is scored the way a crawl stores a page: the corpus text `extract_article` returns,
headline line dropped (the ground truth is the article body alone); no article is an empty
body. trafilatura runs as the benchmark runs it: `trafilatura.extract(html)`, defaults.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from bench.shingles import Match, Pooled, match, pooled
from crawler.extraction_worker import extract_article
from crawler.parsers.base import MIN_BODY_CHARS

DATA = Path(__file__).resolve().parent / "data" / "article-extraction-benchmark"
LOW_F1 = 0.5  # a page below this got the wrong block or nothing


@dataclass(frozen=True)
class Page:
    key: str
    url: str
    html: bytes
    expected: str


@dataclass
class Run:
    """One extractor's per-page matches and CPU times (milliseconds)."""

    name: str
    matches: dict[str, Match]
    ms: list[float]

    @property
    def score(self) -> Pooled:
        return pooled(list(self.matches.values()))

    def low(self) -> list[str]:
        return sorted(key for key, m in self.matches.items() if m.f1 < LOW_F1)


def pages(data: Path = DATA) -> Iterator[Page]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        html = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes())
        yield Page(key, truth[key].get("url", ""), html, truth[key].get("articleBody", ""))


def newsmon_body(page: Page) -> str:
    extraction = extract_article(page.html, page.url, None, MIN_BODY_CHARS, False)
    if extraction is None:
        return ""
    return extraction.text.split("\n", 1)[1] if "\n" in extraction.text else ""


def trafilatura_body(page: Page) -> str:
    return trafilatura.extract(page.html.decode("utf-8"), include_comments=False) or ""


EXTRACTORS: dict[str, Callable[[Page], str]] = {
    "newsmon": newsmon_body,
    "trafilatura": trafilatura_body,
}


def run(all_pages: list[Page], names: tuple[str, ...] = tuple(EXTRACTORS)) -> list[Run]:
    runs = [Run(name, {}, []) for name in names]
    for name in names if all_pages else ():  # first calls load modules: not timed
        EXTRACTORS[name](all_pages[0])
    for page in all_pages:
        for one in runs:
            start = time.process_time()  # CPU time: steadier than wall time on a busy machine
            text = EXTRACTORS[one.name](page)
            one.ms.append((time.process_time() - start) * 1000)
            one.matches[page.key] = match(page.expected, text)
    return runs


def report(runs: list[Run], all_pages: list[Page]) -> list[str]:
    """The table (F1, precision, recall, pages below LOW_F1, ms/page), then the low pages."""
    urls = {page.key: page.url for page in all_pages}
    out = [
        f"article-extraction-benchmark: {len(all_pages)} pages, pooled 4-token shingles",
        f"{'extractor':<12} {'F1':>6} {'P':>6} {'R':>6} {'<' + str(LOW_F1):>5} "
        f"{'CPU ms/page':>11} {'max':>7}",
    ]
    for one in runs:
        score = one.score
        mean_ms = sum(one.ms) / len(one.ms) if one.ms else 0.0
        out.append(
            f"{one.name:<12} {score.f1:6.3f} {score.precision:6.3f} {score.recall:6.3f} "
            f"{len(one.low()):>5} {mean_ms:11.2f} {max(one.ms, default=0.0):7.1f}"
        )
    for one in runs:
        for key in one.low():
            others = " ".join(f"{o.name} {o.matches[key].f1:.2f}" for o in runs if o is not one)
            out.append(
                f"  {one.name} below {LOW_F1}: {key[:12]} F1 {one.matches[key].f1:.2f} "
                f"({others}) {urls[key]}"
            )
    return out
