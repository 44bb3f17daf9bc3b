"""Text side of the topic filter: term patterns, sentence positions and mention discounting.

Pure functions over strings; ``crawler.topic`` documents the matching rules these implement.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

_LATIN = "A-Za-z\u00c0-\u024f"
_LATIN_START = re.compile(f"^[{_LATIN}]")
_LATIN_END = re.compile(f"[{_LATIN}]$")
_LOWER = re.compile("[a-z]")
_LIST_SEPARATOR = re.compile("[·,、/\u318d\u119e]")
_LIST_SPAN = 20  # characters either side of a mention searched for the rest of an enumeration
# A sentence ends at a line break or at . ! ? followed by a space (not inside "2.5" or "5·18").
_SENTENCE_END = re.compile(r"\n|[.!?。](?=\s|$)")


@lru_cache(maxsize=2048)
def term_pattern(term: str) -> re.Pattern[str]:
    """The compiled pattern for one term (cached: topics share terms and never recompile)."""
    term = unicodedata.normalize("NFKC", term).strip()
    pattern = r"\s*".join(re.escape(chunk) for chunk in term.split())
    if _LATIN_START.search(term):
        pattern = f"(?<![{_LATIN}])" + pattern
    if _LATIN_END.search(term):
        pattern += f"(?![{_LATIN}])"
    # Acronyms (AI, GIST) are case-sensitive; a term written with a lower-case letter is a word
    # or name of English copy ("artificial intelligence", "Gwangju") and any case finds it.
    return re.compile(pattern, re.IGNORECASE if _LOWER.search(term) else 0)


@lru_cache(maxsize=256)
def word_pattern(term: str) -> re.Pattern[str]:
    """A term matched only as a whole word: "시는" finds "시는 " but not "도시는" or "하시는"."""
    inner = term_pattern(term)
    return re.compile(r"(?<!\w)" + inner.pattern + r"(?!\w)", inner.flags & re.IGNORECASE)


def positions(pattern: re.Pattern[str], text: str) -> list[int]:
    """Start offsets of every match."""
    return [match.start() for match in pattern.finditer(text)]


@dataclass(frozen=True)
class Article:
    """Headline and body as one normalised text, with where the body and each sentence end."""

    text: str
    body_start: int
    sentence_ends: tuple[int, ...]

    @classmethod
    def of(cls, headline: str, body: str) -> Article:
        headline = unicodedata.normalize("NFKC", headline).replace("\n", " ")
        text = headline + "\n" + unicodedata.normalize("NFKC", body)
        ends: list[int] = []
        for match in _SENTENCE_END.finditer(text):
            # "끝났다.\n" ends one sentence, not two: sentences are numbered without gaps.
            if not ends or text[ends[-1] + 1 : match.start()].strip():
                ends.append(match.start())
        return cls(text, len(headline) + 1, tuple(ends))

    def sentence(self, position: int) -> int:
        """Index of the sentence holding ``position`` (the headline is sentence 0)."""
        return bisect_left(self.sentence_ends, position)

    def weight(self, found: list[int], headline_weight: int) -> int:
        """Number of mentions in ``found`` (sorted), headline ones counted ``headline_weight``."""
        in_headline = bisect_left(found, self.body_start)
        return in_headline * headline_weight + len(found) - in_headline

    def in_body(self, position: int) -> bool:
        return position >= self.body_start


@dataclass
class Shadows:
    """Spans and sentences of one article in which ``all`` mentions do not count."""

    spans: list[tuple[int, int, str]] = field(default_factory=list)
    sentences: dict[int, str] = field(default_factory=dict)

    def find(self, position: int, article: Article) -> str:
        """The rival term discounting a mention at ``position``, or ""."""
        for start, end, term in self.spans:
            if start <= position < end:
                return term
        return self.sentences.get(article.sentence(position), "")

    def place(self, position: int, article: Article) -> str:
        """The place rival (one covering its whole sentence) discounting ``position``, or ""."""
        return self.sentences.get(article.sentence(position), "")


def listed(position: int, article: Article, peers: list[int]) -> bool:
    """True if the mention sits in an enumeration (·/,) with two or more peers in its sentence."""
    sentence = article.sentence(position)
    low = bisect_left(peers, position - _LIST_SPAN)
    high = bisect_right(peers, position + _LIST_SPAN)
    nearby = [peer for peer in peers[low:high] if article.sentence(peer) == sentence]
    if len(nearby) < 2:
        return False
    start, end = min(nearby[0], position), max(nearby[-1], position)
    return _LIST_SEPARATOR.search(article.text, start, end) is not None


def referring(anaphors: list[int], mentions: list[int], others: list[int]) -> list[int]:
    """The anaphors whose nearest preceding place (a mention or another place) is a mention.

    "광주시가 … 시는 …" refers back to 광주; "광주시와 부산시는 … 시는 …" does not, because
    부산 was named last. All lists are sorted offsets.
    """
    kept = []
    for anaphor in anaphors:
        mention = bisect_left(mentions, anaphor) - 1
        other = bisect_left(others, anaphor) - 1
        if mention >= 0 and (other < 0 or others[other] < mentions[mention]):
            kept.append(anaphor)
    return kept


def any_near(anchors: list[int], found: list[int], distance: int) -> bool:
    """True if some anchor lies within ``distance`` characters of some position (both sorted)."""
    for anchor in anchors:
        index = bisect_right(found, anchor + distance)
        if index and found[index - 1] >= anchor - distance:
            return True
    return False


def share_sentence(article: Article, anchors: list[int], found: list[int]) -> bool:
    """True if an anchor and a found term meet in one sentence.

    Body sentences decide; the headline counts only when no anchor is in the body, since a
    headline pairing a place with a buzzword ("광주 축제…AI 포토존") says less than the body.
    """
    body_anchors = [anchor for anchor in anchors if article.in_body(anchor)]
    anchor_sentences = {article.sentence(anchor) for anchor in body_anchors or anchors}
    return any(article.sentence(position) in anchor_sentences for position in found)
