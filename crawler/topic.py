"""The relevance filter: does an article's headline and body match the configured topic?

A topic is three term lists with plain semantics: every ``all`` term must appear, at least one
``any`` term must appear, no ``none`` term may appear. Optional knobs, each off by default so a
plain table keeps that contract, make the built-in topic robust:

* ``min_mentions`` -- each ``all`` term must be mentioned this often; a mention in the headline
  counts ``headline_weight`` times. A national article naming 광주 once in a list of regions is
  not about Gwangju.
* ``min_any`` -- the ``any`` terms together must be mentioned this often (same weighting), so
  a 5·18 or football story with one aside about "AI" stays out.
* ``near`` -- if above 0, some counted ``all`` mention must start within this many characters
  of an ``any`` mention.
* ``none_scope`` -- ``"article"`` (default, the literal contract): any ``none`` term anywhere
  rejects the article. ``"sentence"``: ``none`` terms act like ``rivals`` instead.
* ``rivals`` -- terms showing that an ``all`` mention means something else. A rival containing
  the ``all`` term ("경기 광주", "광주리" = basket) discounts just the mention it covers; any other
  rival (a place of the namesake: 오포읍, 곤지암 …) discounts every mention in its sentence. If the
  first mention of the headline or of the body is discounted, the article is about the namesake
  and is rejected (``namesake:…``): news names a place in full at first mention ("경기 광주시는
  …") and shortens it afterwards ("광주시는 …"), so discounting alone would let the later
  mentions through, while a Gwangju AI article naming 경기 광주 once in passing is kept.
* ``peers`` -- places of the same kind (the other regions): an ``all`` mention in an enumeration
  ("서울·부산·광주", "서울, 대구, 광주 등"), i.e. with two or more peers within 20 characters in
  its sentence and a separator between, does not count; the pair "광주·전남" still counts.

Matching: text and terms are NFKC-normalised (full-width "ＡＩ" is "AI"); a space inside a term
matches any whitespace or none, because Korean spacing varies ("경기 광주" finds "경기광주").
Hangul matches as a substring since particles and compounds glue onto nouns ("광주는",
"AI산업"). A term that starts or ends with a Latin letter must not touch another Latin letter on
that side: "AI" finds "AI산업", "국가AI데이터센터" and "AI·" but not "MAIL", "TAIWAN", "AIA생명"
or "OpenAI". Latin letters are case-sensitive, because Korean news writes acronyms in capitals
and lower-case "ai" turns up inside addresses and words.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache

_TERM_FIELDS = ("all", "any", "none", "rivals", "peers")
_COUNT_FIELDS = {"min_mentions": 1, "headline_weight": 1, "min_any": 1, "near": 0}
_NONE_SCOPES = ("article", "sentence")
_LATIN = "A-Za-z\u00c0-\u024f"
_LATIN_START = re.compile(f"^[{_LATIN}]")
_LATIN_END = re.compile(f"[{_LATIN}]$")
_LIST_SEPARATOR = re.compile("[·,、/\u318d\u119e]")
_LIST_SPAN = 20  # characters either side of a mention searched for the rest of an enumeration
# A sentence ends at a line break or at . ! ? followed by a space (not inside "2.5" or "5·18").
_SENTENCE_END = re.compile(r"\n|[.!?。](?=\s|$)")


class TopicConfigError(ValueError):
    """A topic definition that cannot be used; the message names the key and where it came from."""


@dataclass(frozen=True)
class TopicDecision:
    """Whether an article matched and a short reason code such as ``missing_all:광주``."""

    matched: bool
    reason: str


@lru_cache(maxsize=2048)
def term_pattern(term: str) -> re.Pattern[str]:
    """The compiled pattern for one term (cached: topics share terms and never recompile)."""
    term = unicodedata.normalize("NFKC", term).strip()
    pattern = r"\s*".join(re.escape(chunk) for chunk in term.split())
    if _LATIN_START.search(term):
        pattern = f"(?<![{_LATIN}])" + pattern
    if _LATIN_END.search(term):
        pattern += f"(?![{_LATIN}])"
    return re.compile(pattern)


def _positions(term: str, text: str) -> list[int]:
    return [match.start() for match in term_pattern(term).finditer(text)]


@dataclass(frozen=True)
class _Article:
    """Headline and body as one normalised text, with where the body and each sentence end."""

    text: str
    body_start: int
    sentence_ends: tuple[int, ...]

    @classmethod
    def of(cls, headline: str, body: str) -> _Article:
        headline = unicodedata.normalize("NFKC", headline).replace("\n", " ")
        text = headline + "\n" + unicodedata.normalize("NFKC", body)
        ends = tuple(match.start() for match in _SENTENCE_END.finditer(text))
        return cls(text, len(headline) + 1, ends)

    def sentence(self, position: int) -> int:
        return bisect_left(self.sentence_ends, position)

    def weight(self, positions: list[int], headline_weight: int) -> int:
        in_headline = bisect_left(positions, self.body_start)
        return in_headline * headline_weight + len(positions) - in_headline


@dataclass
class _Shadows:
    """Spans and sentences of one article in which ``all`` mentions do not count."""

    spans: list[tuple[int, int, str]] = field(default_factory=list)
    sentences: dict[int, str] = field(default_factory=dict)

    def find(self, position: int, article: _Article) -> str:
        """The rival term discounting a mention at ``position``, or ""."""
        for start, end, term in self.spans:
            if start <= position < end:
                return term
        return self.sentences.get(article.sentence(position), "")


def _listed(position: int, article: _Article, peers: list[int]) -> bool:
    """True if the mention sits in an enumeration (·/,) with two or more peers in its sentence."""
    sentence = article.sentence(position)
    low = bisect_left(peers, position - _LIST_SPAN)
    high = bisect_right(peers, position + _LIST_SPAN)
    nearby = [peer for peer in peers[low:high] if article.sentence(peer) == sentence]
    if len(nearby) < 2:
        return False
    start, end = min(nearby[0], position), max(nearby[-1], position)
    return _LIST_SEPARATOR.search(article.text, start, end) is not None


def _coerce(key: str, value: object, where: str) -> object:
    """Check one topic setting's type and range; term lists become tuples."""
    if key in _TERM_FIELDS:
        if not isinstance(value, list | tuple) or not all(
            isinstance(term, str) and term.strip() for term in value
        ):
            raise TopicConfigError(f"{where}: [topic] {key} must be a list of non-empty strings")
        return tuple(value)
    if key in _COUNT_FIELDS:
        minimum = _COUNT_FIELDS[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise TopicConfigError(f"{where}: [topic] {key} must be an integer >= {minimum}")
        return value
    if value not in _NONE_SCOPES:
        raise TopicConfigError(f"{where}: [topic] {key} must be one of {', '.join(_NONE_SCOPES)}")
    return value


@dataclass(frozen=True)
class Topic:
    """Term lists plus optional knobs; see the module docstring for the semantics."""

    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    min_mentions: int = 1
    headline_weight: int = 1
    min_any: int = 1
    near: int = 0
    none_scope: str = "article"
    rivals: tuple[str, ...] = ()
    peers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = _coerce(spec.name, getattr(self, spec.name), where="Topic")
            object.__setattr__(self, spec.name, value)
        for term in (*self.all, *self.any, *self.none, *self.rivals, *self.peers):
            term_pattern(term)  # compile now so a bad term fails at load, not per article

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], *, where: str) -> Topic:
        """Build a topic from a TOML ``[topic]`` table; ``where`` names the file in errors."""
        known = {spec.name for spec in fields(cls)}
        for key in data:
            if key not in known:
                raise TopicConfigError(
                    f"{where}: unknown key {key!r} in [topic] (known: {', '.join(sorted(known))})"
                )
        return cls(**{key: _coerce(key, value, where) for key, value in data.items()})  # type: ignore[arg-type]

    def matches(self, headline: str, body: str) -> bool:
        """True if the article is on topic."""
        return self.decide(headline, body).matched

    def decide(self, headline: str, body: str) -> TopicDecision:
        """Match the article and say why it was kept or rejected."""
        article = _Article.of(headline, body)
        if self.none_scope == "article":
            for term in self.none:
                if term_pattern(term).search(article.text):
                    return TopicDecision(False, f"excluded:{term}")
        shadows = self._shadows(article)
        peers = sorted(p for term in self.peers for p in _positions(term, article.text))
        counted: list[int] = []
        for term in self.all:
            reason = self._check_all(term, article, shadows, peers, counted)
            if reason:
                return TopicDecision(False, reason)
        reason = self._check_any(article, sorted(counted))
        return TopicDecision(not reason, reason or "ok")

    def _shadows(self, article: _Article) -> _Shadows:
        """Where rivals (and sentence-scoped ``none`` terms) discount ``all`` mentions."""
        terms = self.rivals + (self.none if self.none_scope == "sentence" else ())
        shadows = _Shadows()
        for term in terms:
            # A rival that contains an ``all`` term ("경기 광주", "광주리") is that mention in
            # another sense, so it covers only itself; a place name ("오포읍") covers its sentence.
            covers_itself = any(term_pattern(name).search(term) for name in self.all)
            for match in term_pattern(term).finditer(article.text):
                if covers_itself:
                    shadows.spans.append((match.start(), match.end(), term))
                else:
                    shadows.sentences.setdefault(article.sentence(match.start()), term)
        return shadows

    def _check_all(
        self, term: str, article: _Article, shadows: _Shadows, peers: list[int], counted: list[int]
    ) -> str:
        """Count one ``all`` term's mentions; return a rejection reason or "" if it passes."""
        positions = _positions(term, article.text)
        if not positions:
            return f"missing_all:{term}"
        first_body = bisect_left(positions, article.body_start)
        firsts = [positions[0]]  # of the headline if it has one, else of the body
        if 0 < first_body < len(positions):
            firsts.append(positions[first_body])
        for position in firsts:
            shadow = shadows.find(position, article)
            if shadow:
                return f"namesake:{shadow}"
        kept = [
            p for p in positions if not shadows.find(p, article) and not _listed(p, article, peers)
        ]
        score = article.weight(kept, self.headline_weight)
        if score < self.min_mentions:
            return f"too_few_mentions:{score}<{self.min_mentions}"
        counted.extend(kept)
        return ""

    def _check_any(self, article: _Article, counted: list[int]) -> str:
        """Check the ``any`` terms' weighted count and, if asked, their distance to ``all``."""
        if not self.any:
            return ""
        positions = sorted(p for term in self.any for p in _positions(term, article.text))
        if not positions:
            return "missing_any"
        score = article.weight(positions, self.headline_weight)
        if score < self.min_any:
            return f"too_few_any:{score}<{self.min_any}"
        if self.near and counted and not _any_near(counted, positions, self.near):
            return f"any_not_near:{self.near}"
        return ""


def _any_near(anchors: list[int], positions: list[int], distance: int) -> bool:
    """True if some anchor lies within ``distance`` characters of some position (both sorted)."""
    for anchor in anchors:
        index = bisect_right(positions, anchor + distance)
        if index and positions[index - 1] >= anchor - distance:
            return True
    return False


# Places inside Gyeonggi-do's 광주시 and words that only contain "광주"; "하남" and "송정" are
# left out on purpose because Gwangju has its own (하남산단, 광주송정역).
GYEONGGI_GWANGJU_RIVALS = (
    "광주리",
    "오포읍",
    "오포동",
    "곤지암",
    "퇴촌면",
    "초월읍",
    "남한산성",
    "도척면",
    "남종면",
    "경안동",
    "경안천",
    "태전동",
    "쌍령동",
)

# The other metropolitan cities and provinces: "서울, 부산, 대구, 광주 등" names no one of them.
KOREAN_REGIONS = (
    "서울",
    "부산",
    "대구",
    "인천",
    "대전",
    "울산",
    "세종",
    "경기",
    "강원",
    "충북",
    "충남",
    "전북",
    "전남",
    "경북",
    "경남",
    "제주",
)

DEFAULT_TOPIC = Topic(
    all=("광주",),
    any=("AI", "인공지능", "AX"),
    none=("경기 광주", "경기도 광주"),
    min_mentions=2,  # one headline mention, or two in the body outside enumerations
    headline_weight=2,
    min_any=2,  # one aside about "AI" in a football or 5·18 story is not enough
    none_scope="sentence",
    rivals=GYEONGGI_GWANGJU_RIVALS,
    peers=KOREAN_REGIONS,
)
