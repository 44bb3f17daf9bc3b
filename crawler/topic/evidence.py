"""Find the gazetteer's terms in an article and decide what each ambiguous mention means.

Pure functions over strings. A mention keeps the group it belongs to and, when it does not
count for the topic, the reason (``sense``): an ambiguous 광주 in an article about Gyeonggi-do's
광주시, an "AI" that means avian influenza, or a place listed among other regions.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from functools import lru_cache

from crawler.topic.asides import resolve_asides
from crawler.topic.gazetteer import Gazetteer, Kind, TermGroup
from crawler.topic.mention import Mention, weight, with_sense
from crawler.topic.text import Article, listed, term_pattern, word_pattern

__all__ = ["AVIAN", "GWANGJU_KINDS", "NAMESAKE", "Mention", "anaphors", "as_tool", "scan", "weight"]

GWANGJU_KINDS: frozenset[Kind] = frozenset({"place", "entity"})
NAMESAKE = "경기 광주 context"
# One neighbour city ("용인 반도체 클러스터와 협력") does not move an article to Gyeonggi-do;
# a town, the mayor, the full name or two neighbours do.
NAMESAKE_NEEDED = 2.0
AVIAN = "avian influenza"
IN_PASSING = "경기 광주 named in passing"
LISTED = "listed among other places"
# A one-syllable particle may sit between "AI" and the word that decides its sense ("AI가 발생").
_PARTICLE = r"(?:[가는의를로와이에]\s*)?"
_SEPARATOR = re.compile(r"[·,、/ㆍ]|\s등\s|\s및\s")


@lru_cache(maxsize=8)
def _patterns(
    gazetteer: Gazetteer,
) -> tuple[tuple[re.Pattern[str], TermGroup, str, bool], ...]:
    """One compiled pattern per distinct term (the first group naming a term owns it), with
    the literal its every match starts with and whether it is case-blind (then lower-cased)."""
    terms: dict[str, TermGroup] = {}
    for group in gazetteer.groups:
        for term in group.terms:
            terms.setdefault(" ".join(term.split()), group)
    result = []
    for term, group in terms.items():
        pattern = term_pattern(term)
        probe = unicodedata.normalize("NFKC", term).split()[0]
        blind = bool(pattern.flags & re.IGNORECASE)
        result.append((pattern, group, probe.lower() if blind else probe, blind))
    return tuple(result)


def scan(gazetteer: Gazetteer, article: Article) -> list[Mention]:
    """Every gazetteer term in the article, non-overlapping, each with its sense decided.

    Where terms overlap the longest wins: 광주과학기술원 is one institution, not also 광주.
    (One scan per term: Python's regex engine tries an alternation of hundreds of terms at
    every position, which is thirty times slower; a term whose first word is not in the text
    at all is not scanned.)
    """
    text = article.text
    lowered = text.lower()
    candidates = [
        (match.start(), match.end(), group)
        for pattern, group, probe, blind in _patterns(gazetteer)
        if probe in (lowered if blind else text)
        for match in pattern.finditer(text)
    ]
    covered = bytearray(len(article.text))
    found = []
    for start, end, group in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if not any(covered[start:end]):
            covered[start:end] = b"\x01" * (end - start)
            found.append(_mention(article, article.text[start:end], group, start))
    found.sort(key=lambda mention: mention.start)
    found = _resolve_ai(gazetteer, article, found)
    found = _resolve_namesake(found)
    return resolve_asides(article, _resolve_lists(article, found))


def anaphors(gazetteer: Gazetteer, article: Article, mentions: list[Mention]) -> list[Mention]:
    """Words like "시는" whose nearest preceding place mention is a counted Gwangju one."""
    places = [m for m in mentions if m.kind in GWANGJU_KINDS | {"namesake", "elsewhere"}]
    starts = [m.start for m in places]  # sorted, as mentions are
    group = TermGroup("place", "reference back to Gwangju", gazetteer.anaphora_weight, ())
    result = []
    for term in gazetteer.anaphora:
        for match in word_pattern(term).finditer(article.text):
            index = bisect_left(starts, match.start()) - 1
            last = places[index] if index >= 0 else None
            if last is not None and last.kind in GWANGJU_KINDS and not last.sense:
                result.append(_mention(article, match.group(), group, match.start()))
    return result


def _mention(article: Article, text: str, group: TermGroup, start: int) -> Mention:
    in_headline = not article.in_body(start)
    return Mention(text, group, start, article.sentence(start), in_headline)


def _resolve_ai(gazetteer: Gazetteer, article: Article, found: list[Mention]) -> list[Mention]:
    """Decide each ambiguous topic mention: by its neighbours, its sentence, then the article."""
    flu_by_sentence: dict[int, float] = defaultdict(float)
    tech_by_sentence: dict[int, float] = defaultdict(float)
    for mention in found:
        if mention.kind == "flu":
            flu_by_sentence[mention.sentence] += mention.group.weight
        elif _unambiguous_topic(mention):
            tech_by_sentence[mention.sentence] += mention.group.weight or mention.group.topic
    flu_total, tech_total = sum(flu_by_sentence.values()), sum(tech_by_sentence.values())
    article_is_flu = flu_total >= 3 and flu_total > tech_total
    result = []
    for mention in found:
        if mention.kind == "topic" and mention.group.ambiguous:
            local = _neighbour_sense(gazetteer, article.text, mention)
            flu, tech = flu_by_sentence[mention.sentence], tech_by_sentence[mention.sentence]
            # A lone farm word ("방역") does not decide a sentence; a specific one does.
            sentence_is_flu = flu >= 2 and flu > tech
            if local == "flu" or (
                local == "" and (sentence_is_flu or (flu >= tech and article_is_flu))
            ):
                mention = with_sense(mention, AVIAN)
        result.append(mention)
    return result


def _unambiguous_topic(mention: Mention) -> bool:
    if mention.kind == "topic":
        return not mention.group.ambiguous
    return mention.kind == "entity" and mention.group.topic > 0


def _neighbour_sense(gazetteer: Gazetteer, text: str, mention: Mention) -> str:
    """ "flu" or "tech" when the words around the mention decide it ("고병원성 AI"), else ""."""
    senses = gazetteer.senses
    end = mention.start + len(mention.text)
    before = text[max(0, mention.start - 12) : mention.start].rstrip()
    if any(before.endswith(word) for word in senses.flu_before):
        return "flu"
    if _after(senses.flu_after).match(text, end):
        return "flu"
    if _after(senses.tech_after).match(text, end):
        return "tech"
    return ""


def as_tool(gazetteer: Gazetteer, text: str, mention: Mention) -> bool:
    """True when the words right after the mention make it a tool ("AI로 복원")."""
    return bool(_tool(gazetteer.senses.tool_after).match(text, mention.start + len(mention.text)))


@lru_cache(maxsize=16)
def _tool(words: tuple[str, ...]) -> re.Pattern[str]:
    # A particle alone must end the word: "AI로 복원" is a tool, "AI로봇" is not.
    alternatives = "|".join(
        re.escape(word) + ("(?![가-힣])" if len(word) <= 2 else "")
        for word in sorted(words, key=len, reverse=True)
    )
    return re.compile(rf"[\s·]*(?:{alternatives or '(?!)'})")


@lru_cache(maxsize=16)
def _after(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"[\s·]*{_PARTICLE}(?:{alternatives or '(?!)'})")


def _resolve_namesake(found: list[Mention]) -> list[Mention]:
    """Give the shared names (광주, 광주시) to whichever city the article names more specifically.

    News names a place in full where the two cities could be confused; an article whose
    Gyeonggi evidence (경기 광주, its towns, its mayor, 31개 시군) outweighs everything that can
    only be Gwangju (광주광역시, its districts, institutions, mayor) means Gyeonggi's 광주시
    every time it writes 광주.
    """
    first_bare: dict[bool, int] = {}
    for mention in found:
        if mention.kind == "place" and mention.group.ambiguous:
            first_bare.setdefault(mention.in_headline, mention.start)
    bare = {m.text for m in found if m.kind == "place" and m.group.ambiguous}
    found = [
        with_sense(m, IN_PASSING)
        if m.kind == "namesake" and any(b in m.text for b in bare) and _passing(m, first_bare)
        else m
        for m in found
    ]
    namesake = sum(weight(m) for m in found if m.kind == "namesake" and not m.sense)
    specific = sum(weight(m) for m in found if m.kind in GWANGJU_KINDS and not m.group.ambiguous)
    if namesake < NAMESAKE_NEEDED or specific > namesake:
        return found
    return [
        with_sense(m, NAMESAKE) if m.kind == "place" and m.group.ambiguous else m for m in found
    ]


def _passing(mention: Mention, first_bare: dict[bool, int]) -> bool:
    """True for the other city's full name written after a bare 광주 in the same part.

    News names the namesake in full at first mention ("경기 광주시는 … 광주시는"); a full name
    that follows bare mentions is the writer telling a Gwangju story apart from the other city.
    ``first_bare`` holds where the first bare name stands in the headline (True) and the body.
    """
    return mention.start > first_bare.get(mention.in_headline, len(mention.text) + mention.start)


def _resolve_lists(article: Article, found: list[Mention]) -> list[Mention]:
    """Discount Gwangju mentions that are one item of an enumeration of places.

    An enumeration is "서울·부산·광주" or "광주 AI집적단지, 대구 로봇단지, 부산 …": two other
    places or more in the sentence, a list separator between them and the mention.
    """
    peers = sorted(m.start for m in found if m.kind == "elsewhere")
    by_sentence: dict[int, list[int]] = defaultdict(list)
    for mention in found:
        if mention.kind == "elsewhere":
            by_sentence[mention.sentence].append(mention.start)
    return [
        with_sense(m, LISTED)
        if m.kind in GWANGJU_KINDS
        and not m.sense
        and _enumerated(m, article, peers, by_sentence.get(m.sentence, []))
        else m
        for m in found
    ]


def _enumerated(mention: Mention, article: Article, peers: list[int], same: list[int]) -> bool:
    if listed(mention.start, article, peers):
        return True
    if len(same) < 2:
        return False
    start, end = min(same[0], mention.start), max(same[-1], mention.start)
    return _SEPARATOR.search(article.text, start, end) is not None
