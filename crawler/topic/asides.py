"""AI mentions that are not the article's subject: asides in property or sports stories, and
"AI" as one item of a list of subjects (a mayor's new-year address naming ten).

Pure functions over the mentions ``crawler.topic.evidence.scan`` found; each discounted mention
keeps its reason (``sense``), shown by ``newsmon topic explain``.
"""

from __future__ import annotations

import re
from collections import defaultdict

from crawler.topic.mention import Mention, with_sense
from crawler.topic.text import Article

# A story whose property or sports words weigh this much (and more than its AI evidence) is a
# property or sports story: the flat sold "near the AI cluster", the team named "AI페퍼스".
GENRE_NEEDED = 3.0
# Its AI evidence counts only in sentences of their own, at least this many of them.
OWN_SENTENCES = 2
LISTED_SUBJECT = "AI listed among other subjects"
# "민생, 복지, 교통, AI, 기후 …": this many separators around the mention, and an item no
# longer than the term plus a particle.
_LIST_SEPARATORS = 3
_LIST_WINDOW = 30
_ITEM_SLACK = 3
_SEPARATOR = re.compile(r"[,·、ㆍ]|\s등\s|\s및\s")


def resolve_asides(article: Article, found: list[Mention]) -> list[Mention]:
    """Discount AI mentions that are asides of a property or sports story or list items."""
    return _resolve_genre(_resolve_subject_lists(article, found))


def _is_ai(mention: Mention) -> bool:
    if mention.sense:
        return False
    group = mention.group
    return group.kind == "topic" or (group.kind == "entity" and group.topic > 0)


def _ai_weight(mention: Mention) -> float:
    factor = 2 if mention.in_headline else 1
    return (mention.group.weight if mention.group.kind == "topic" else mention.group.topic) * factor


def _resolve_genre(found: list[Mention]) -> list[Mention]:
    totals: dict[str, float] = defaultdict(float)
    for mention in found:
        if mention.group.kind == "genre":
            totals[mention.group.label] += mention.group.weight * (2 if mention.in_headline else 1)
    if not totals:
        return found
    label = max(totals, key=lambda key: (totals[key], key))
    ai = [m for m in found if _is_ai(m)]
    if totals[label] < GENRE_NEEDED or totals[label] < sum(_ai_weight(m) for m in ai):
        return found
    genre_sentences = {m.sentence for m in found if m.group.kind == "genre"}
    own = {m.sentence for m in ai if m.sentence not in genre_sentences}
    sense = f"AI named in a {label} story"
    return [
        with_sense(m, sense)
        if _is_ai(m) and (m.sentence in genre_sentences or len(own) < OWN_SENTENCES)
        else m
        for m in found
    ]


def _resolve_subject_lists(article: Article, found: list[Mention]) -> list[Mention]:
    ai_starts = sorted(m.start for m in found if _is_ai(m))
    return [
        with_sense(m, LISTED_SUBJECT)
        if _is_ai(m) and m.group.kind == "topic" and _listed_subject(article, m, ai_starts)
        else m
        for m in found
    ]


def _listed_subject(article: Article, mention: Mention, ai_starts: list[int]) -> bool:
    """True for a short item among three or more separators with no other AI item near."""
    text = article.text
    low = max(0, mention.start - _LIST_WINDOW)
    high = min(len(text), mention.start + len(mention.text) + _LIST_WINDOW)
    window = [
        match
        for match in _SEPARATOR.finditer(text, low, high)
        if article.sentence(match.start()) == mention.sentence
    ]
    if len(window) < _LIST_SEPARATORS:
        return False
    before = [m.end() for m in window if m.end() <= mention.start]
    after = [m.start() for m in window if m.start() >= mention.start + len(mention.text)]
    if not before or not after:
        return False
    item = text[max(before) : min(after)].strip()
    if len(item) > len(mention.text) + _ITEM_SLACK:
        return False
    others = [s for s in ai_starts if low <= s < high and s != mention.start]
    return len(others) <= 1
