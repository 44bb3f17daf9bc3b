"""Line-level boilerplate filters: what survives markup cleaning but is still not article text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.parsers.boilerplate import ends_article
from crawler.parsers.dom import Line
from crawler.parsers.edges import drop_lead, drop_trailing_chrome
from crawler.parsers.notices import is_notice

# Lines longer than this are prose even when they mention a chrome keyword.
_SHORT = 90
_STAMP = re.compile(
    r"^[\[(]?\s*(?:기사\s*)?(?:입력|수정|승인|등록|발행|게재|송고|업데이트|최종\s*수정|"
    r"published|updated|posted)\s*(?:일|일시|시간)?\s*[:：]?\s*\d{2,4}\s*[.\-/년]",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"ⓒ|©|\(c\)\s*\S|copyrights?\b|all rights reserved|무단\s*(?:전재|복제|배포)|"
    r"재배포\s*(?:및\s*)?(?:AI\s*학습\s*(?:이용\s*)?)?금지|저작권자",
    re.IGNORECASE,
)
# Headings that open a block of other stories or widgets; nothing after them is the article.
_SECTION = re.compile(
    r"^[\[<【▶■◆●]?\s*(?:관련\s*기사|관련\s*뉴스|이\s*기사와\s*관련된\s*기사|많이\s*본\s*(?:기사|뉴스)|"
    r"인기\s*(?:기사|뉴스)|추천\s*(?:기사|뉴스)|주요\s*(?:기사|뉴스)|최신\s*(?:기사|뉴스)|"
    r"실시간\s*(?:기사|뉴스|인기)|핫\s*뉴스|이시각\s*주요뉴스|당신이\s*관심\s*있을\s*만한|"
    r"오늘의\s*(?:주요|인기)|포토\s*뉴스|기사\s*댓글|댓글\s*\d*)\s*[\]>】]?\s*$"
)
_TIP = re.compile(r"제보")
_TIP_MARK = re.compile(r"[:：▶▷☞]|하기|기다립니다|카카오톡|@|https?://|전화|이메일")
_UI = frozenset(
    [
        "닫기",
        "공유",
        "공유하기",
        "인쇄",
        "스크랩",
        "저장",
        "기사저장",
        "글자크기",
        "글씨크기",
        "댓글",
        "좋아요",
        "구독",
        "구독하기",
        "확대",
        "축소",
        "이전",
        "다음",
        "목록",
        "맨위로",
        "top",
        "이미지확대보기",
        "본문듣기",
        "듣기",
        "가",
        "가가",
        "url복사",
        "페이스북",
        "트위터",
        "카카오톡",
        "카카오스토리",
        "밴드",
        "네이버",
        "이메일",
    ]
)
# A letter of any script: a line of Cyrillic, Greek or Thai prose is text, not symbols.
_HAS_WORD = re.compile(r"[^\W\d_]")
_MAX_LINK_SHARE = 0.5


def clean_lines(lines: Iterable[Line], headline: str | None = None) -> list[str]:
    """Article paragraphs from rendered lines: chrome dropped, repeats emitted once, the headline
    or a summary box before the body and promo/copyright lines after it removed."""
    kept: list[Line] = []
    seen: set[str] = set()
    body_chars = 0
    for line in lines:
        text = line.text
        if line.link_chars and line.link_chars > len(text) * _MAX_LINK_SHARE:
            continue
        if body_chars >= 200 and (_SECTION.match(text) or ends_article(text)):
            break
        if text in seen or text == headline or is_chrome(text):
            continue
        seen.add(text)
        kept.append(line)
        body_chars += len(text)
    return drop_trailing_chrome([line.text for line in drop_lead(kept, headline)])


def clean_text_lines(texts: Iterable[str], headline: str | None = None) -> list[str]:
    """The same filters for plain text bodies (JSON-LD, script strings), which have no links."""
    return clean_lines((Line(text, 0) for text in texts), headline)


def is_chrome(text: str) -> bool:
    """True for a line that is page furniture: stamps, copyright, UI words, tip boxes, symbols,
    hashtag lines and help-line notices (notices.py)."""
    if not _HAS_WORD.search(text) or is_notice(text):
        return True
    if len(text) > _SHORT:
        return False
    compact = text.replace(" ", "").lower()
    return bool(
        compact in _UI
        or _STAMP.match(text)
        or _COPYRIGHT.search(text)
        or _SECTION.match(text)
        or (_TIP.search(text) and _TIP_MARK.search(text))
    )
