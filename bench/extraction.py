"""Extraction quality and speed: newsmon versus plain trafilatura on pages with expected text.

Usage: python bench/extraction.py [--korean | --benchmark] [DIR ...]

Two parts, both by default: the Korean fixture pages (below) and the ScrapingHub
article-extraction benchmark (bench/article_benchmark.py: its pooled shingle F1, precision and
recall for newsmon and trafilatura side by side, pages below 0.5 listed, ms/page).

A DIR holds pages (*.html) with expected text either beside them (name.txt) or in a sibling
gold/ folder (pages/name.html -> gold/name.txt). Pages without expected text are skipped.
Scores are bag-of-words precision/recall/F1 over whitespace tokens (multiset). trafilatura runs
as `trafilatura.extract(html)` with its metadata title prepended (the expected text starts with
the headline, so leaving it out would cost trafilatura recall it never had a chance at).

Two more columns per page: H is 1 when line 1 of the output is the expected headline, and code
counts output lines the code gate flags (JSON, CSS, script, URL dumps). An empty expected text
means the page has no article: output nothing scores 1, anything else 0.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from bench import article_benchmark  # noqa: E402
from crawler.parsers import extract  # noqa: E402
from crawler.parsers.gate import is_code  # noqa: E402
from crawler.parsers.quality import Score, bag_of_words  # noqa: E402

DEFAULT_DIRS = (
    ROOT / "tests/fixtures/korean-news/pages",
    ROOT / "tests/fixtures/real-pages/pages",
    ROOT / "tests/fixtures/pages",
    ROOT / "tests/fixtures/boards/pages",
)
REPEATS = 5


def cases(directory: Path) -> Iterator[tuple[Path, str]]:
    """(page, expected text) for every page of a folder that has expected text."""
    for page in sorted(directory.glob("*.html")):
        for expected in (
            page.with_suffix(".txt"),
            page.parent.parent / "gold" / f"{page.stem}.txt",
        ):
            if expected.exists():
                yield page, expected.read_text(encoding="utf-8").strip()
                break


def newsmon_text(body: bytes) -> str:
    extracted = extract(body, "https://bench.invalid/")
    return extracted.text if extracted else ""


def trafilatura_text(body: bytes) -> str:
    text = trafilatura.extract(body) or ""
    metadata = trafilatura.extract_metadata(body)
    title = metadata.title if metadata is not None and metadata.title else ""
    return f"{title}\n{text}".strip()


def timed(function: Callable[[bytes], str], body: bytes) -> tuple[str, float]:
    """The function's output and its median wall time in milliseconds over REPEATS runs."""
    times = []
    result = ""
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = function(body)
        times.append((time.perf_counter() - start) * 1000)
    return result, statistics.median(times)


def row(name: str, ours: Score, theirs: Score, checks: tuple[str, str] = ("", "")) -> str:
    return f"{name:<34} {ours.precision:6.3f} {ours.recall:6.3f} {ours.f1:6.3f}   " + (
        f"{theirs.precision:6.3f} {theirs.recall:6.3f} {theirs.f1:6.3f}"
        f"   {checks[0]:>1} {checks[1]:>4}"
    )


def headline_ok(text: str, expected: str) -> bool:
    return text.split("\n", 1)[0] == expected.split("\n", 1)[0]


def code_lines(text: str) -> int:
    return sum(is_code(line) for line in text.split("\n") if line)


def _label(directory: Path, page: Path) -> str:
    folder = directory.parent if directory.name == "pages" else directory
    return f"{folder.name}/{page.name}"


def main(argv: list[str]) -> int:
    flags = {arg for arg in argv if arg.startswith("--")}
    status = 0
    if "--benchmark" not in flags:
        status = korean([Path(arg) for arg in argv if arg not in flags] or list(DEFAULT_DIRS))
    if "--korean" not in flags:
        all_pages = list(article_benchmark.pages())
        print()
        print("\n".join(article_benchmark.report(article_benchmark.run(all_pages), all_pages)))
    return status


def korean(dirs: list[Path]) -> int:
    """Per-page bag-of-words scores on pages with expected text; means, headline, ms/page."""
    ours: list[Score] = []
    theirs: list[Score] = []
    our_ms: list[float] = []
    their_ms: list[float] = []
    heads = 0
    code = 0
    print(
        f"{'page':<34} {'newsmon P':>9} {'R':>6} {'F1':>6}   {'trafil. P':>9} {'R':>6} {'F1':>6}"
        f"   H code"
    )
    for directory in dirs:
        for page, expected in cases(directory):
            body = page.read_bytes()
            text, ms = timed(newsmon_text, body)
            other, other_ms = timed(trafilatura_text, body)
            ours.append(bag_of_words(text, expected))
            theirs.append(bag_of_words(other, expected))
            our_ms.append(ms)
            their_ms.append(other_ms)
            head, lines = headline_ok(text, expected), code_lines(text)
            heads, code = heads + head, code + lines
            print(row(_label(directory, page), ours[-1], theirs[-1], (str(int(head)), str(lines))))
    if not ours:
        print("no pages with expected text found")
        return 1
    means = [
        Score(*(statistics.fmean(s[i] for s in scores) for i in range(3)))
        for scores in (ours, theirs)
    ]
    print(row(f"mean over {len(ours)} pages", means[0], means[1]))
    print(
        f"worst newsmon F1: {min(s.f1 for s in ours):.3f}; headline right on {heads}/{len(ours)}"
        f" pages; code lines in output: {code}"
    )
    median_ours, median_theirs = statistics.median(our_ms), statistics.median(their_ms)
    print(f"median ms/page: newsmon {median_ours:.2f}, trafilatura {median_theirs:.2f}")
    print(f"max ms/page:    newsmon {max(our_ms):.2f}, trafilatura {max(their_ms):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
