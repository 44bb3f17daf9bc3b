"""How a re-extracted text differs from the stored one: headline, lines, token F1 (pure)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class TextChange:
    """What changed from `old` to `new` corpus text."""

    headline_changed: bool
    lines_added: int
    lines_removed: int
    token_f1: float  # 1.0: the same words in any order; bag-of-words overlap of the two texts

    @property
    def changed(self) -> bool:
        return self.headline_changed or bool(self.lines_added or self.lines_removed)


def compare_texts(old: str, new: str) -> TextChange:
    """Headline (line 1) changed, body lines added/removed (as multisets), token F1."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    old_body, new_body = Counter(old_lines[1:]), Counter(new_lines[1:])
    return TextChange(
        headline_changed=old_lines[0] != new_lines[0],
        lines_added=sum((new_body - old_body).values()),
        lines_removed=sum((old_body - new_body).values()),
        token_f1=token_f1(old, new),
    )


def token_f1(old: str, new: str) -> float:
    """F1 of the whitespace tokens of `new` against those of `old` (1.0 for two empty texts)."""
    old_tokens, new_tokens = Counter(old.split()), Counter(new.split())
    if not old_tokens and not new_tokens:
        return 1.0
    common = sum((old_tokens & new_tokens).values())
    if common == 0:
        return 0.0
    precision = common / sum(new_tokens.values())
    recall = common / sum(old_tokens.values())
    return 2 * precision * recall / (precision + recall)
