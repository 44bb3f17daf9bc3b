"""The two ends of a body: a repeated headline or summary box before it, promo and copyright after.

COPYRIGHT_TAIL and PROMO_TAIL are data: add a pattern when a template's tail line slips through.
A reporter's sign-off ('김철수 기자 kim@…', '[광주=뉴시스] …') is never trailing chrome, as in
the seed corpus.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from crawler.parsers.dom import Line

# Lines that close a body on Korean news templates and are not part of the article. Copyright
# lines go whatever their form ('… 재배포를 금지합니다.'); the promo and tip-line patterns only
# match a line that is not a statement, so '경찰은 시민 제보를 기다리고 있다.' stays.
COPYRIGHT_TAIL: tuple[str, ...] = (
    r"ⓒ|©|Ⓒ|\(c\)\s*\S|copyrights?\b|all rights reserved",
    r"무단\s*(?:전재|복제|배포|게재|사용)|재\s*배포\s*(?:및\s*)?(?:AI\s*학습\s*(?:및\s*)?(?:이용|활용)?\s*)?금지",
    r"저작권자|AI\s*학습\s*(?:및\s*)?(?:이용|활용)\s*금지",
)
PROMO_TAIL: tuple[str, ...] = (
    r"제보",
    r"구독|채널\s*추가|친구\s*(?:추가|맺기)|앱\s*(?:설치|다운로드)|바로\s*가기",
    r"^[▶▷☞►→➡]+",
    r"^\[?\s*(?:광고|AD|sponsored|PR)\s*\]?$",
    r"(?:이\s*)?기사를?\s*추천|좋아요\s*\d*$|후원\s*(?:하기|안내|계좌)|정기\s*후원",
)
_COPYRIGHT = re.compile("|".join(COPYRIGHT_TAIL), re.IGNORECASE)
_PROMO = re.compile("|".join(PROMO_TAIL), re.IGNORECASE)
_MAX_TRAILING = 200  # a longer line is prose even when it names a promo word
# A reporter's credit or a dateline; an e-mail address alone is not one (tip boxes carry them).
_SIGN_OFF = re.compile(
    r"[가-힣]{2,4}\s?(?:선임|수석|객원|인턴|전문|사진|영상)?\s?(?:기자|특파원|통신원|앵커)(?![가-힣])|"
    r"^[\[(（【]\s*[^\]\)=]{1,20}=[^\]\)]{1,30}[\]\)）】]"
)
# A news sentence ends in -다; a call to action ('구독하세요') does not.
_STATEMENT_END = re.compile(r"다[.!]?[\"”’'」』)\]]*$")
_SENTENCE_END = re.compile(r"(?:[.?!。…]|다|요|죠|까)[\"”’'」』)\]]*$")
_LEAD_MARK = re.compile(r"^(?:[▶▷■□◆◇●○▲△►·•\-–—]|\d+\.\s)")
_MAX_LEAD = 5  # summary lines before the body; more than this is body, not a box
_MAX_LEAD_CHARS = 150
_COMPACT = re.compile(r"[\s\W_]+")


def drop_trailing_chrome(lines: list[str]) -> list[str]:
    """Remove promo, tip-line, copyright and subscription lines from the end of a body."""
    end = len(lines)
    while end > 0 and is_trailing_chrome(lines[end - 1]):
        end -= 1
    return lines[:end]


def is_trailing_chrome(text: str) -> bool:
    if len(text) > _MAX_TRAILING or _SIGN_OFF.search(text):
        return False
    if _COPYRIGHT.search(text):
        return True
    return _PROMO.search(text) is not None and _STATEMENT_END.search(text) is None


def drop_lead(lines: Sequence[Line], headline: str | None) -> list[Line]:
    """Drop the headline repeated as the first line(s) and a subtitle/summary box before the body.

    A summary line is short, not a sentence, and set apart: bold/heading markup or a list mark
    ('▶ …', '- …'). Nothing is dropped when no prose follows (then it is the body itself).
    """
    start = 0
    while start < min(len(lines), _MAX_LEAD) and (
        repeats_headline(lines[start].text, headline) or _is_summary(lines[start])
    ):
        start += 1
    if start and not any(_is_prose(line.text) for line in lines[start:]):
        return [line for line in lines if not repeats_headline(line.text, headline)]
    return list(lines[start:])


def repeats_headline(text: str, headline: str | None) -> bool:
    """The line is the headline again, maybe with a tag ('[단독] …') or different punctuation."""
    if not headline:
        return False
    line, head = _compact(text), _compact(headline)
    if not line or not head:
        return False
    if line == head:
        return True
    if head in line:
        return len(line) <= len(head) + 12
    return line in head and len(line) >= 0.8 * len(head)


def _is_summary(line: Line) -> bool:
    text = line.text
    if len(text) > _MAX_LEAD_CHARS or _SENTENCE_END.search(text) or _SIGN_OFF.search(text):
        return False
    set_apart = line.emphasis_chars >= 0.8 * len(text)
    return set_apart or _LEAD_MARK.match(text) is not None


def _is_prose(text: str) -> bool:
    return len(text) >= 40 and _SENTENCE_END.search(text) is not None


def _compact(text: str) -> str:
    return _COMPACT.sub("", text).lower()
