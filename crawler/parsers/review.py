"""The check every chosen body passes, whatever strategy chose it (CMS container, JSON-LD,
script data, density): boilerplate lines go, and a body that was mostly boilerplate, is a list of
teasers or holds far less text than the page's prose is suspicious. Only a suspicious body asks
a general extractor (trafilatura) for its answer, and `prefer_general` decides between the two.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from crawler.parsers.base import MIN_BODY_CHARS
from crawler.parsers.boilerplate import is_boilerplate, is_teaser_list
from crawler.parsers.generic import Prose

BLOCK_SHARE = 0.35  # a body under this share of the page's densest prose block is a fragment
PAGE_SHARE = 0.2  # ... or under this share of all the page's prose
MOSTLY = 0.5  # a body that loses more than this share of its text to boilerplate was boilerplate
OVERRIDE_FACTOR = 2.0  # on a mass doubt, the general answer must be this much longer to win
CONTAINED = 0.8  # ... and hold this share of the doubted body's words
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Screened:
    """A body without its boilerplate lines, and why it is suspicious (None: it is not)."""

    lines: list[str]
    doubt: str | None


def screen(lines: Sequence[str], prose: Prose) -> Screened:
    """Drop boilerplate lines; doubt the body when it was mostly boilerplate ('boilerplate'),
    is a list of cut-off teasers ('teasers') or is small beside the page's prose ('mass')."""
    kept = [line for line in lines if not is_boilerplate(line)]
    chars, kept_chars = _chars(lines), _chars(kept)
    if chars and kept_chars < MOSTLY * chars:
        return Screened(kept, "boilerplate")
    if is_teaser_list(kept):
        return Screened(kept, "teasers")
    if kept_chars < BLOCK_SHARE * prose.block_chars or kept_chars < PAGE_SHARE * prose.page_chars:
        return Screened(kept, "mass")
    return Screened(kept, None)


def prefer_general(ours: Screened, general: Sequence[str]) -> bool:
    """The rule when two answers disagree: the general extractor's body (boilerplate lines
    already dropped) replaces a doubted one when it is an article body itself (at least
    MIN_BODY_CHARS, not a teaser list) and either the doubt was about what the body is
    (boilerplate, teasers) or, on a mass doubt, it is the same story told in full: at least
    OVERRIDE_FACTOR times the text, holding (nearly) every word of ours. A short body the general
    answer does not contain is a different block (a photo story's caption-length text beside
    a long comment thread): ours stays. A body nobody doubted is never replaced."""
    if ours.doubt is None or _chars(general) < MIN_BODY_CHARS or is_teaser_list(general):
        return False
    if ours.doubt in ("boilerplate", "teasers"):
        return True
    longer = _chars(general) >= OVERRIDE_FACTOR * _chars(ours.lines)
    return longer and _contained(ours.lines, general)


def _contained(lines: Sequence[str], other: Sequence[str]) -> bool:
    """At least CONTAINED of the words of `lines` are words of `other` (true when empty)."""
    words = _WORD.findall(" ".join(lines))
    if not words:
        return True
    known = set(_WORD.findall(" ".join(other)))
    return sum(word in known for word in words) >= CONTAINED * len(words)


def _chars(lines: Sequence[str]) -> int:
    return sum(len(line) for line in lines)
