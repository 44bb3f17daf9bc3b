"""Score the topic filters on the labelled set: the evidence topic, the term-list one, substrings.

Run from the repository root: ``python -m bench.relevance`` (or ``python bench/relevance.py``)
scores both shipped sets, ``labelled.jsonl`` (2019-2025 style Korean news) and
``world2026.jsonl`` (post-merger, English and confuser texts, each with its ``published`` date,
which the merger rule reads); other JSONL sets with the same fields can be given as arguments.
Prints, for the train and held-out splits (the split is a hash of the id, fixed before the
rules were tuned; the held-out third was never looked at while tuning) and both together, the
confusion matrix, precision and recall of the built-in evidence topic (``gwangju-ai``), of the
first version's term-list topic (``gwangju-ai-terms``) and of plain substring matching; the
accuracy per category, the misclassified ids with the missing evidence, and the throughput.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # running as a plain script puts bench/, not the repo, on the path
    sys.path.insert(0, str(REPO))

from crawler.topic import DEFAULT_TOPIC, TERMS_TOPIC  # noqa: E402

LABELLED = REPO / "tests" / "fixtures" / "relevance" / "labelled.jsonl"
WORLD = REPO / "tests" / "fixtures" / "relevance" / "world2026.jsonl"
Predict = Callable[[str, str, date | None], bool]


@dataclass(frozen=True)
class Example:
    """One labelled article."""

    id: str
    label: bool
    category: str
    split: str
    headline: str
    body: str
    published: date | None = None


@dataclass(frozen=True)
class Scores:
    """Confusion counts of one filter on some examples."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load(path: Path = LABELLED) -> list[Example]:
    """The labelled set, one JSON object a line (another set may omit split and category)."""
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    return [
        Example(
            id=str(row["id"]),
            label=bool(row["label"]),
            category=str(row.get("category", "unknown")),
            split=str(row.get("split") or split_of(str(row["id"]))),
            headline=row["headline"],
            body=row["body"],
            published=date.fromisoformat(row["published"]) if row.get("published") else None,
        )
        for row in rows
    ]


def split_of(example_id: str) -> str:
    """The split rule of the labelled set: a third held out by a hash of the id."""
    digest = int(hashlib.sha256(example_id.encode("utf-8")).hexdigest(), 16)
    return "heldout" if digest % 3 == 0 else "train"


def substring_baseline(headline: str, body: str, published: date | None = None) -> bool:
    """The naive reading of the term lists: plain ``in`` tests, no knobs."""
    text = headline + "\n" + body
    return (
        all(term in text for term in TERMS_TOPIC.all)
        and any(term in text for term in TERMS_TOPIC.any)
        and not any(term in text for term in TERMS_TOPIC.none)
    )


def score(predict: Predict, examples: Iterable[Example]) -> Scores:
    """Count true/false positives/negatives."""
    tp = fp = fn = tn = 0
    for example in examples:
        predicted = predict(example.headline, example.body, example.published)
        tp += predicted and example.label
        fp += predicted and not example.label
        fn += not predicted and example.label
        tn += not predicted and not example.label
    return Scores(tp, fp, fn, tn)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def print_split(name: str, examples: list[Example], filters: dict[str, Predict]) -> None:
    _say(f"\n== {name}: {len(examples)} articles, {sum(e.label for e in examples)} on topic")
    _say(f"{'filter':<10} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4} {'precision':>10} {'recall':>7}")
    for label, predict in filters.items():
        s = score(predict, examples)
        _say(
            f"{label:<10} {s.tp:>4} {s.fp:>4} {s.fn:>4} {s.tn:>4} "
            f"{s.precision:>10.3f} {s.recall:>7.3f}"
        )


def print_categories(examples: list[Example], filters: dict[str, Predict]) -> None:
    _say("\n== accuracy per category (all splits)")
    _say(f"{'category':<18} {'n':>3} " + " ".join(f"{label:>10}" for label in filters))
    for category in sorted({e.category for e in examples}):
        members = [e for e in examples if e.category == category]
        accuracies = []
        for predict in filters.values():
            s = score(predict, members)
            accuracies.append((s.tp + s.tn) / len(members))
        _say(f"{category:<18} {len(members):>3} " + " ".join(f"{a:>10.3f}" for a in accuracies))


def print_errors(examples: list[Example]) -> None:
    _say("\n== misclassified by the evidence topic")
    for example in examples:
        decision = DEFAULT_TOPIC.decide(example.headline, example.body, example.published)
        if decision.matched != example.label:
            kind = "FP" if decision.matched else "FN"
            _say(f"{kind} {example.id:<8} [{example.split}] {decision.reason}")
    for name, predict in (("term lists", TERMS_TOPIC.matches), ("substring", substring_baseline)):
        _say(f"\n== misclassified by {name}")
        wrong = [e.id for e in examples if predict(e.headline, e.body, e.published) != e.label]
        _say(" ".join(wrong) or "(none)")


def print_throughput(examples: list[Example], rounds: int = 50) -> None:
    start = time.perf_counter()
    for _ in range(rounds):
        for example in examples:
            DEFAULT_TOPIC.decide(example.headline, example.body)
    elapsed = time.perf_counter() - start
    total = rounds * len(examples)
    each = elapsed / total * 1e6
    _say(f"\n== throughput: {total / elapsed:,.0f} decisions/s ({each:.0f} µs each)")
    # A hostile page: 100,000 characters dense with places, confusers and enumerations.
    sentence = "광주시가 AI 집적단지를 키운다. 서울·부산·대구도 나선다. 오포읍 고병원성 AI 살처분. "
    body = sentence * (100_000 // len(sentence))
    start = time.perf_counter()
    DEFAULT_TOPIC.decide("광주 AI", body)
    _say(f"   one {len(body):,}-character article: {time.perf_counter() - start:.3f} s")


def main() -> None:
    paths = [Path(arg) for arg in sys.argv[1:]] or [LABELLED, WORLD]
    for path in paths:
        _say(f"\n######## {path.name}")
        report(load(path))


def report(examples: list[Example]) -> None:
    """Every table for one labelled set."""
    filters: dict[str, Predict] = {
        "evidence": DEFAULT_TOPIC.matches,
        "terms": TERMS_TOPIC.matches,
        "substring": substring_baseline,
    }
    for split in sorted({e.split for e in examples}, key=lambda name: (name != "train", name)):
        print_split(split, [e for e in examples if e.split == split], filters)
    print_split("all", examples, filters)
    print_categories(examples, filters)
    print_errors(examples)
    print_throughput(examples)


if __name__ == "__main__":
    main()
