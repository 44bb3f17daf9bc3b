"""Bag-of-words precision, recall and F1 of extracted text against expected text."""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple


class Score(NamedTuple):
    """Token-multiset agreement between an extraction and the expected text."""

    precision: float
    recall: float
    f1: float


def bag_of_words(extracted: str, expected: str) -> Score:
    """Compare whitespace-separated token multisets; two empty texts agree perfectly."""
    got, want = Counter(extracted.split()), Counter(expected.split())
    if not got and not want:
        return Score(1.0, 1.0, 1.0)
    overlap = sum((got & want).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)
