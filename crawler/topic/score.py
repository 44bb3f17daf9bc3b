"""Weigh the evidence of one article: is it about Gwangju as an AI place, and if not, why not.

An article is on topic when all of these hold (each is one line of ``missing`` otherwise):

* place: the counted Gwangju evidence (광주, its full name, districts, parks, institutions,
  office holders, and words like "시는" that refer back to it) weighs at least ``PLACE_NEEDED``;
* topic: the counted AI evidence (AI in its technology sense, 인공지능, AX, AI 데이터센터,
  AI institutions …) weighs at least ``TOPIC_NEEDED``;
* link: some body sentence names both (or an AI institution of Gwangju, which is both at
  once); when the body never names the place, the headline must name both;
* spread: the place is named in the headline, or in two body sentences at least;
* lead: the place is named in the headline or the first ``LEAD_SENTENCES`` body sentences, as
  news names its subject (a national story names Gwangju later, in passing), or in
  ``THROUGHOUT_SENTENCES`` sentences (a feature that opens with a scene);
* focus: no other city or region weighs as much as Gwangju.

A headline mention weighs double. The score is the smallest of the six ratios (capped at 1),
so rejections with a score near 1 are the ones closest to the line.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from crawler.topic.evidence import (
    AVIAN,
    GWANGJU_KINDS,
    NAMESAKE,
    Mention,
    anaphors,
    as_tool,
    scan,
    weight,
)
from crawler.topic.gazetteer import Gazetteer
from crawler.topic.text import Article

PLACE_NEEDED = 2.0
TOPIC_NEEDED = 2.0
LEAD_SENTENCES = 2
THROUGHOUT_SENTENCES = 3  # a place named in this many sentences is the subject, lead or not


@dataclass(frozen=True)
class Assessment:
    """The evidence of one article and what it adds up to."""

    matched: bool
    score: float
    place: float
    topic: float
    elsewhere: tuple[str, float]
    missing: tuple[str, ...]
    discounted: tuple[str, ...]
    mentions: tuple[Mention, ...]


def assess(gazetteer: Gazetteer, headline: str, body: str) -> Assessment:
    """Scan the article and weigh what was found."""
    article = Article.of(headline, body)
    found = scan(gazetteer, article)
    mentions = sorted(found + anaphors(gazetteer, article, found), key=lambda m: m.start)
    place_mentions = [m for m in mentions if m.kind in GWANGJU_KINDS and not m.sense]
    topic_mentions = [m for m in mentions if _topic_weight(m) > 0]
    place = sum(weight(m) for m in place_mentions)
    topic = sum(_topic_weight(m) * (2 if m.in_headline else 1) for m in topic_mentions)
    other = _strongest_elsewhere(mentions)
    # A headline like "광주 재단, AI로 사진 복원" pairs the place with a tool, not a subject.
    subjects = [
        m for m in topic_mentions if not (m.in_headline and as_tool(gazetteer, article.text, m))
    ]
    first_body = article.sentence(article.body_start)
    ratios = {
        f"Gwangju evidence {place:g} < {PLACE_NEEDED:g}": place / PLACE_NEEDED,
        f"AI evidence {topic:g} < {TOPIC_NEEDED:g}": topic / TOPIC_NEEDED,
    }
    if place_mentions:  # where and with what the place is named, once it is named at all
        ratios |= {
            "Gwangju is named in one body sentence only": _half(_spread(place_mentions)),
            "no sentence names Gwangju and AI together": _half(_linked(place_mentions, subjects)),
            "Gwangju is not named in the headline or lead": _half(
                _in_lead(place_mentions, first_body, _headline_place(mentions))
            ),
            f"{other[0]} weighs {other[1]:g}, as much as Gwangju": (
                1.0 if other[1] < place else place / other[1] * 0.9
            ),
        }
    missing = tuple(reason for reason, ratio in ratios.items() if ratio < 1.0)
    score = min(min(ratios.values()), 1.0)
    return Assessment(
        matched=not missing,
        score=round(score, 3),
        place=place,
        topic=topic,
        elsewhere=other,
        missing=missing,
        discounted=_discounted(mentions),
        mentions=tuple(mentions),
    )


def _half(passed: bool) -> float:
    """The ratio of a yes/no condition: a failed one puts the article halfway to the line."""
    return 1.0 if passed else 0.5


def _topic_weight(mention: Mention) -> float:
    if mention.sense:
        return 0.0
    if mention.kind == "topic":
        return mention.group.weight
    return mention.group.topic if mention.kind == "entity" else 0.0


def _linked(places: list[Mention], topics: list[Mention]) -> bool:
    if any(m.kind == "entity" and m.group.topic > 0 and not m.in_headline for m in places):
        return True
    body_places = {m.sentence for m in places if not m.in_headline}
    if body_places:
        return any(m.sentence in body_places for m in topics if not m.in_headline)
    return any(m.in_headline for m in places) and any(m.in_headline for m in topics)


def _headline_place(mentions: list[Mention]) -> Mention | None:
    """The first place the headline names (Gwangju's when counted, another city's, or none)."""
    kinds = {"elsewhere", "namesake"}
    for mention in mentions:
        if mention.in_headline and (
            mention.kind in kinds or (mention.kind in GWANGJU_KINDS and not mention.sense)
        ):
            return mention
    return None


def _spread(places: list[Mention]) -> bool:
    """A headline names the subject; a body that names it once may be naming it in passing."""
    return any(m.in_headline for m in places) or len({m.sentence for m in places}) > 1


def _in_lead(places: list[Mention], first_body: int, headline_first: Mention | None) -> bool:
    """Named first in the headline, or in the lead, or (a feature opening with a scene) all
    through the body. A headline that names another place first ("판교 AI 스타트업 한파…
    '광주는 예외'") is about that place."""
    if headline_first is not None and headline_first.kind in GWANGJU_KINDS:
        return True
    if any(not m.in_headline and m.sentence < first_body + LEAD_SENTENCES for m in places):
        return True
    return len({m.sentence for m in places}) >= THROUGHOUT_SENTENCES


def _strongest_elsewhere(mentions: list[Mention]) -> tuple[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for mention in mentions:
        if mention.kind == "elsewhere":
            totals[mention.group.label] += weight(mention)
    if not totals:
        return ("no other place", 0.0)
    label = max(totals, key=lambda key: (totals[key], key))
    return (label, totals[label])


def _discounted(mentions: list[Mention]) -> tuple[str, ...]:
    """One line per reason mentions were discounted, with the evidence that decided it."""
    reasons: dict[str, list[str]] = defaultdict(list)
    for mention in mentions:
        if mention.sense:
            reasons[mention.sense].append(mention.text)
    deciders = {NAMESAKE: "namesake", AVIAN: "flu"}
    lines = []
    for sense, texts in reasons.items():
        kind = deciders.get(sense)
        evidence = sorted({m.text for m in mentions if m.kind == kind and not m.sense})
        because = f" (evidence: {', '.join(evidence)})" if evidence else ""
        lines.append(f"{sense}: {len(texts)} × {', '.join(sorted(set(texts)))}{because}")
    return tuple(lines)
