"""The article-extraction benchmark's metric: pooled 4-token shingle precision, recall and F1.

Per page, the word tokens (`\\w+`) of the expected and the extracted body become 4-token shingles
(a text shorter than 4 tokens is one shingle); shared shingles count as true positives (by
multiplicity), extra ones as false positives, missing ones as false negatives. The three counts
are divided by their sum, so every page weighs the same. Precision is the mean over pages that
extracted anything, recall the mean over pages that expected anything, and F1 is their harmonic
mean: the figures the benchmark publishes.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


@dataclass(frozen=True)
class Match:
    """One page's shared, extra and missing shingles as shares of their sum (0 when empty)."""

    tp: float
    fp: float
    fn: float

    @property
    def f1(self) -> float:
        """The page's own F1 (1.0 when both texts are empty)."""
        if self.fp == self.fn == 0:
            return 1.0
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)


@dataclass(frozen=True)
class Pooled:
    precision: float
    recall: float
    f1: float


def shingles(text: str, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if len(tokens) < n:
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def match(expected: str, extracted: str) -> Match:
    """Shingle overlap of one page, normalised so that long pages do not weigh more."""
    want, got = shingles(expected), shingles(extracted)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    if not total:
        return Match(0.0, 0.0, 0.0)
    return Match(tp / total, fp / total, fn / total)


def pooled(matches: list[Match]) -> Pooled:
    """Mean precision over pages with output, mean recall over pages with expected text."""
    precision = statistics.fmean(
        [_ratio(m.tp, m.fp, m.fn) for m in matches if m.tp + m.fp > 0] or [0.0]
    )
    recall = statistics.fmean(
        [_ratio(m.tp, m.fn, m.fp) for m in matches if m.tp + m.fn > 0] or [0.0]
    )
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Pooled(precision, recall, f1)


def _ratio(tp: float, wrong: float, other: float) -> float:
    """tp / (tp + wrong), with the benchmark's edge cases: 1 for a perfect page, 0 for none."""
    if wrong == other == 0:
        return 1.0
    if tp == wrong == 0:
        return 0.0
    return tp / (tp + wrong)
