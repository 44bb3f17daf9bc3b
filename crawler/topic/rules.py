"""The relevance filter: does an article's headline and body match the configured topic?

A topic is either weighed evidence or term lists. ``preset = "gwangju-ai"`` (the built-in
topic) weighs the evidence of a gazetteer (``crawler.topic.score`` says how); the table's
``places``, ``entities`` and ``terms`` extend that gazetteer, and its ``none`` terms still
reject an article outright. Its ``all``/``any`` lists only seed search queries.

Otherwise a topic is three term lists with plain semantics: every ``all`` term must appear, at
least one ``any`` term must appear, no ``none`` term may appear. A ``[topic]`` table with only
these three keys gets exactly that. Optional knobs, each off by default, make such a topic
more robust (``preset = "gwangju-ai-terms"`` sets them all; any other key in the table then
overrides that one setting):

* ``min_mentions`` -- each ``all`` term must be mentioned this often; a mention in the headline
  counts ``headline_weight`` times. A national article naming 광주 once in a list of regions is
  not about Gwangju.
* ``min_any`` -- the ``any`` terms together must be mentioned this often (same weighting), so
  a 5·18 or football story with one aside about "AI" stays out.
* ``near`` -- if above 0, some counted ``all`` mention must start within this many characters
  of an ``any`` mention.
* ``same_sentence`` -- some counted ``all`` mention and some ``any`` mention must share a
  sentence of the body (of the headline only when the body has no counted mention). A story
  that happens in Gwangju and uses AI as a tool ("경찰은 AI CCTV로 추적했다") never says
  both in one breath; an article about Gwangju's AI industry does, in its lead at the latest.
* ``anaphora`` -- whole words that refer back to an ``all`` term once it has been named
  ("광주시가 … 시는 …", "시 관계자는"): each counts as a mention of the term named last before
  it, unless another place (a ``peers`` term) was named in between.
* ``none_scope`` -- ``"article"`` (default, the literal contract): any ``none`` term anywhere
  rejects the article. ``"sentence"``: ``none`` terms act like ``rivals`` instead.
* ``rivals`` -- terms showing that an ``all`` mention means something else. A rival containing
  the ``all`` term ("경기 광주", "광주리" = basket) discounts just the mention it covers; any other
  rival (a place of the namesake: 오포읍, 곤지암 …) discounts every mention in its sentence.
  The article is about the namesake and is rejected (``namesake:…``) if the first mention of
  the headline or of the body is discounted -- news names a place in full at first mention
  ("경기 광주시는 …") and shortens it afterwards ("광주시는 …") -- or if a place rival
  discounts any mention while the article never names the namesake in full: a writer who
  puts 광주시 next to 오포읍 without ever writing "경기 광주" is not telling two cities apart.
  A Gwangju AI article naming 경기 광주 once in passing is kept.
* ``peers`` -- places of the same kind (the other regions): an ``all`` mention in an enumeration
  ("서울·부산·광주", "서울, 대구, 광주 등"), i.e. with two or more peers within 20 characters in
  its sentence and a separator between, does not count; the pair "광주·전남" still counts.

Matching: text and terms are NFKC-normalised (full-width "ＡＩ" is "AI"); a space inside a term
matches any whitespace or none, because Korean spacing varies ("경기 광주" finds "경기광주").
Hangul matches as a substring since particles and compounds glue onto nouns ("광주는",
"AI산업"). A term that starts or ends with a Latin letter must not touch another Latin letter on
that side: "AI" finds "AI산업", "국가AI데이터센터" and "AI·" but not "MAIL", "TAIWAN", "AIA생명"
or "OpenAI". Acronyms are case-sensitive, because Korean news writes them in capitals and
lower-case "ai" turns up inside addresses and words; a term written with a lower-case Latin
letter ("Gwangju", "artificial intelligence") is English copy and matches in any case.

``merged_region`` (evidence topics only, default true) is the one setting of the merger of
2026-07-01: are articles dated after it about former-전남 places (나주, 해남 …) Gwangju for this
topic? ``crawler.topic.merger`` reads it together with the article's date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from crawler.topic.gazetteer import Gazetteer, builtin_gazetteer
from crawler.topic.merger import after_merger, for_article
from crawler.topic.score import Assessment, assess
from crawler.topic.text import (
    Article,
    Shadows,
    any_near,
    listed,
    positions,
    referring,
    share_sentence,
    term_pattern,
    word_pattern,
)

__all__ = ["Topic", "TopicConfigError", "TopicDecision", "term_pattern"]

_GAZETTEER_FIELDS = ("places", "entities", "terms")
_TERM_FIELDS = ("all", "any", "none", "rivals", "peers", "anaphora", *_GAZETTEER_FIELDS)
_COUNT_FIELDS = {"min_mentions": 1, "headline_weight": 1, "min_any": 1, "near": 0}
_FLAG_FIELDS = ("same_sentence", "evidence", "merged_region")
_KNOB_DEFAULTS: dict[str, object] = {
    "min_mentions": 1, "headline_weight": 1, "min_any": 1, "near": 0, "same_sentence": False,
    "none_scope": "article", "rivals": (), "peers": (), "anaphora": (),
}  # fmt: skip
_NONE_SCOPES = ("article", "sentence")


class TopicConfigError(ValueError):
    """A topic definition that cannot be used; the message names the key and where it came from."""


@dataclass(frozen=True)
class TopicDecision:
    """Whether an article matched and a short reason code such as ``missing_all:광주``.

    An evidence topic also gives a score (1.0 on topic; a rejection near 1 was close to the
    line), what was missing, and the full assessment for ``newsmon topic explain``.
    """

    matched: bool
    reason: str
    score: float = field(default=0.0, compare=False)
    missing: tuple[str, ...] = field(default=(), compare=False)
    assessment: Assessment | None = field(default=None, compare=False, repr=False)


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
    if key in _FLAG_FIELDS:
        if not isinstance(value, bool):
            raise TopicConfigError(f"{where}: [topic] {key} must be true or false")
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
    same_sentence: bool = False
    none_scope: str = "article"
    rivals: tuple[str, ...] = ()
    peers: tuple[str, ...] = ()
    anaphora: tuple[str, ...] = ()
    evidence: bool = False
    merged_region: bool = True
    places: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = _coerce(spec.name, getattr(self, spec.name), where="Topic")
            object.__setattr__(self, spec.name, value)
        for term in (*self.all, *self.any, *self.none, *self.rivals, *self.peers):
            term_pattern(term)  # compile now so a bad term fails at load, not per article
        for term in self.anaphora:
            word_pattern(term)
        self._check_mode()

    def _check_mode(self) -> None:
        """Evidence topics take no knobs; term-list topics take no gazetteer extensions."""
        if self.evidence:
            knobs = [key for key, value in _KNOB_DEFAULTS.items() if getattr(self, key) != value]
            if knobs:
                raise TopicConfigError(
                    f"[topic] {knobs[0]} applies to term-list topics, not to the evidence "
                    "preset gwangju-ai (extend it with places, entities or terms)"
                )
            if any(getattr(self, key) for key in _GAZETTEER_FIELDS):
                self.gazetteer  # noqa: B018  (build it now: a bad extension fails at load)
            # The built-in gazetteer alone (checked by the tests) is read on first use: every
            # command that loads a config makes the presets, and most never decide a topic.
        elif any(getattr(self, key) for key in _GAZETTEER_FIELDS):
            raise TopicConfigError(
                "[topic] places, entities and terms extend the gazetteer of an evidence topic"
            )
        elif not self.merged_region:
            raise TopicConfigError(
                "[topic] merged_region applies to the evidence preset gwangju-ai, "
                "not to term-list topics"
            )

    @property
    def gazetteer(self) -> Gazetteer:
        """The built-in gazetteer with this topic's places, entities and terms added."""
        return _gazetteer(self.places, self.entities, self.terms)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], *, where: str) -> Topic:
        """Build a topic from a TOML ``[topic]`` table; ``where`` names the file in errors."""
        known = {spec.name for spec in fields(cls)}
        for key in data:
            if key not in known and key != "preset":
                raise TopicConfigError(
                    f"{where}: unknown key {key!r} in [topic] "
                    f"(known: {', '.join(sorted(known | {'preset'}))})"
                )
        settings: dict[str, Any] = {}
        if "preset" in data:
            settings = _preset_settings(data["preset"], where)
        elif any(key in data for key in _GAZETTEER_FIELDS) and not data.get("evidence"):
            settings = _preset_settings("gwangju-ai", where)  # extending implies the preset
        for key, value in data.items():
            if key != "preset":
                settings[key] = _coerce(key, value, where)
        return cls(**settings)

    def matches(self, headline: str, body: str, published: date | datetime | None = None) -> bool:
        """True if the article is on topic."""
        return self.decide(headline, body, published).matched

    def decide(
        self, headline: str, body: str, published: date | datetime | None = None
    ) -> TopicDecision:
        """Match the article and say why it was kept or rejected.

        ``published`` (a date, or an aware datetime) places the article before or after the
        merger of 2026-07-01 (``crawler.topic.merger``); without it, before. Term-list topics
        do not read it.
        """
        if self.evidence:
            return self._weigh(headline, body, published)
        article = Article.of(headline, body)
        if self.none_scope == "article":
            for term in self.none:
                if term_pattern(term).search(article.text):
                    return TopicDecision(False, f"excluded:{term}")
        shadows, named_in_full = self._shadows(article)
        peers = _all_positions([term_pattern(term) for term in self.peers], article.text)
        anaphors = _all_positions([word_pattern(term) for term in self.anaphora], article.text)
        counted: list[int] = []
        for term in self.all:
            mentions = _Mentions(article, shadows, peers, anaphors, named_in_full)
            reason = self._check_all(term, mentions, counted)
            if reason:
                return TopicDecision(False, reason)
        reason = self._check_any(article, sorted(counted))
        return TopicDecision(not reason, reason or "ok")

    def gazetteer_for(self, published: date | datetime | None) -> Gazetteer:
        """The gazetteer as the merger rule reads it for an article of that date."""
        return for_article(self.gazetteer, after_merger(published), self.merged_region)

    def _weigh(self, headline: str, body: str, published: date | datetime | None) -> TopicDecision:
        """The evidence decision; a ``none`` term still rejects the article outright."""
        text = Article.of(headline, body).text
        for term in self.none:
            if term_pattern(term).search(text):
                return TopicDecision(False, f"excluded:{term}", 0.0, (f"excluded: {term}",))
        found = assess(self.gazetteer_for(published), headline, body)
        reason = "ok" if found.matched else "; ".join(found.missing)
        return TopicDecision(found.matched, reason, found.score, found.missing, found)

    def _shadows(self, article: Article) -> tuple[Shadows, bool]:
        """Where rivals discount ``all`` mentions, and whether the namesake is named in full."""
        terms = self.rivals + (self.none if self.none_scope == "sentence" else ())
        shadows = Shadows()
        named_in_full = False
        for term in terms:
            # A rival that contains an ``all`` term ("경기 광주", "광주리") is that mention in
            # another sense, so it covers only itself; a place name ("오포읍") covers its sentence.
            covers_itself = any(term_pattern(name).search(term) for name in self.all)
            for match in term_pattern(term).finditer(article.text):
                if covers_itself:
                    shadows.spans.append((match.start(), match.end(), term))
                    named_in_full = True
                else:
                    shadows.sentences.setdefault(article.sentence(match.start()), term)
        return shadows, named_in_full

    def _check_all(self, term: str, mentions: _Mentions, counted: list[int]) -> str:
        """Count one ``all`` term's mentions; return a rejection reason or "" if it passes."""
        article, shadows = mentions.article, mentions.shadows
        found = positions(term_pattern(term), article.text)
        if not found:
            return f"missing_all:{term}"
        first_body = next((i for i, p in enumerate(found) if article.in_body(p)), len(found))
        firsts = [found[0]]  # of the headline if it has one, else of the body
        if 0 < first_body < len(found):
            firsts.append(found[first_body])
        for position in firsts:
            shadow = shadows.find(position, article)
            if shadow:
                return f"namesake:{shadow}"
        unlisted = [p for p in found if not listed(p, article, mentions.peers)]
        candidates = sorted(unlisted + referring(mentions.anaphors, unlisted, mentions.peers))
        if not mentions.named_in_full:
            for position in candidates:
                place = shadows.place(position, article)
                if place:
                    return f"namesake:{place}"
        kept = [p for p in candidates if not shadows.find(p, article)]
        score = article.weight(kept, self.headline_weight)
        if score < self.min_mentions:
            return f"too_few_mentions:{score}<{self.min_mentions}"
        counted.extend(kept)
        return ""

    def _check_any(self, article: Article, counted: list[int]) -> str:
        """Check the ``any`` terms' weighted count and, if asked, their distance to ``all``."""
        if not self.any:
            return ""
        found = _all_positions([term_pattern(term) for term in self.any], article.text)
        if not found:
            return "missing_any"
        score = article.weight(found, self.headline_weight)
        if score < self.min_any:
            return f"too_few_any:{score}<{self.min_any}"
        if self.near and counted and not any_near(counted, found, self.near):
            return f"any_not_near:{self.near}"
        if self.same_sentence and counted and not share_sentence(article, counted, found):
            return "any_not_with_all"
        return ""


@dataclass(frozen=True)
class _Mentions:
    """What ``_check_all`` needs besides the term: the article and where other terms sit."""

    article: Article
    shadows: Shadows
    peers: list[int]
    anaphors: list[int]
    named_in_full: bool


def _all_positions(patterns: list[re.Pattern[str]], text: str) -> list[int]:
    """Sorted start offsets of every match of any of the patterns."""
    return sorted(p for pattern in patterns for p in positions(pattern, text))


@lru_cache(maxsize=16)
def _gazetteer(
    places: tuple[str, ...], entities: tuple[str, ...], terms: tuple[str, ...]
) -> Gazetteer:
    return builtin_gazetteer().extended(places, entities, terms)


def _preset_settings(name: object, where: str) -> dict[str, Any]:
    """The settings of a named preset, as keyword arguments of ``Topic``."""
    from crawler.topic.presets import PRESETS  # the presets are Topics themselves

    if not isinstance(name, str) or name not in PRESETS:
        raise TopicConfigError(
            f"{where}: [topic] preset must be one of {', '.join(sorted(PRESETS))}"
        )
    preset = PRESETS[name]
    return {spec.name: getattr(preset, spec.name) for spec in fields(preset)}
