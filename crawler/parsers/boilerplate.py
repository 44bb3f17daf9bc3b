"""Boilerplate blocks that read like prose: cookie/consent banners, corporate footers,
newsletter boxes and lists of related-article teasers, in English, Korean and a few more
languages. A body made mostly of them is the wrong block, whatever strategy chose it.

The patterns are data: add a phrase when a new banner or footer wording slips through. Each
matches only in a line short enough to be a banner (an article paragraph that mentions
cookies is longer than the phrases it would need to match and is not dropped).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Cookie and personal-data consent banners. A banner is the site speaking to its reader ('we',
# 'our', 'you'; Korean in the polite -ㅂ니다 form): a news story about cookies or consent
# reports it in the third person ('…쿠키 사용을 중단한다', 'without users' consent') and stays.
CONSENT: tuple[str, ...] = (
    r"\b(?:we|this (?:web)?site|our (?:web)?site|this page) (?:uses?|use) (?:cookies?|"
    r"tracking technolog(?:y|ies))\b",
    r"\bour (?:use of )?cookies?(?: policy| settings| preferences| notice)?\b",
    r"\bby (?:using|continuing|browsing|clicking)\b[^.]{0,80}\byou (?:agree|consent|accept|"
    r"are agreeing)\b",
    r"\b(?:utilizziamo|usiamo|questo sito utilizza) (?:i )?cookie",
    r"\b(?:nous )?utilisons des cookies\b|\bce site utilise des cookies\b|"
    r"\b(?:wir )?verwenden cookies\b|\bdiese website verwendet cookies\b|"
    r"\butilizamos cookies\b|\bиспользуем (?:файлы )?cookie",
    r"쿠키[^.。]{0,40}(?:사용|이용|저장|수집|허용)(?:합니다|하고\s*있습니다|됩니다|에\s*동의)",
    r"개인\s*정보[^.。]{0,40}동의(?:합니다|하시겠습니까|하시면|하는\s*것으로\s*간주|"
    r"해\s*주(?:세요|십시오)|함)",
)
# A publisher's corporate self-description or a footer's link row.
CORPORATE: tuple[str, ...] = (
    r"\b(?:is|are) (?:a|an|the|part of (?:a|an|the))\s+(?:\w+\s+){0,3}"
    r"(?:network|group|family|portfolio|division|subsidiary) of\s+(?:\w+\s+){0,3}"
    r"(?:companies|brands|publications|websites|media|titles|sites)\b",
)
# Words of a footer's link row: two or more in one short line make it a footer line.
FOOTER_WORDS: tuple[str, ...] = (
    r"about us|contact us|privacy policy|terms (?:of|and) (?:use|service|conditions)|"
    r"advertise(?: with us)?|cookie policy|site ?map|careers",
    r"회사\s*소개|광고\s*문의|제휴\s*문의|이용\s*약관|개인\s*정보\s*처리\s*방침|"
    r"청소년\s*보호\s*정책|고충\s*처리인|사업자\s*등록\s*번호|등록\s*번호|발행인|편집인|"
    r"대표\s*전화|기사\s*배열\s*책임자",
)
# Newsletter and sign-up boxes.
NEWSLETTER: tuple[str, ...] = (
    r"\b(?:sign|signs|signing) up (?:for|to)\b[^.]{0,60}\bnewsletters?\b",
    r"\bsubscribe to (?:our|the|this)\b[^.]{0,40}\bnewsletters?\b",
    r"\bget (?:our|the)\b[^.]{0,40}\bnewsletters?\b|\bnewsletter sign[- ]?up\b",
    r"\benter your e-?mail(?: address)?\b",
    r"뉴스\s*레터\s*(?:를\s*)?(?:구독|신청|받기|받아)",
)
# Headings that open a block of other stories, comments or sign-ups: nothing after them is the
# article (the Korean ones are chrome._SECTION).
SECTION_ENDS: tuple[str, ...] = (
    r"related(?: articles?| stories| posts| news| content| coverage| reading| links)?",
    r"(?:read|see) (?:more|next|also)(?: stories| articles)?",
    r"more (?:\w+ ){0,3}(?:stories|articles|news|reads|coverage)(?: from [\w .]{1,30})?",
    r"more from [\w .&'-]{1,40}",
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in)(?: these)?",
    r"recommended(?: for you| stories| articles| reading)?|trending(?: now| stories)?",
    r"most (?:popular|read|viewed|shared)(?: stories| articles)?",
    r"comments?(?: \(\d+\))?|\d+ comments?|leave a (?:comment|reply)",
    r"join the (?:conversation|discussion)",
    r"share this(?: article| story| post)?|about the author",
)
_SECTION_END = re.compile(rf"^[\W_]*(?:{'|'.join(SECTION_ENDS)})[\s.…:!]*$", re.IGNORECASE)
_BANNER = re.compile("|".join((*CONSENT, *CORPORATE, *NEWSLETTER)), re.IGNORECASE)
_FOOTER = tuple(re.compile(words, re.IGNORECASE) for words in FOOTER_WORDS)
_MAX_BANNER = 700  # characters: consent banners run long, article paragraphs longer
_MAX_FOOTER = 300
_MAX_SECTION = 60
# A teaser: a headline or excerpt cut off with an ellipsis ('… may soon...', '더보기').
_TEASER = re.compile(r"(?:\.\.\.|…|더\s*보기|read more|continue reading)\s*[\])»›>]?\s*$", re.I)
# A footer row is a list of links; a sentence that names two of them ('… 발행인 겸 편집인이다.') is
# prose.
_SENTENCE = re.compile(r"(?:[.!?。]|다)[\"”’')\]]*$")
_MIN_TEASERS = 3
_TEASER_SHARE = 0.5


# Words every pattern above needs (lower case): most lines have none, so most lines cost a few
# substring tests instead of the patterns' scans (every line of every body is asked).
_BANNER_WORDS = (
    *("cookie", "쿠키", "동의", "tracking", "newsletter", "뉴스", "mail"),
    *("network", "group", "family", "portfolio", "division", "subsidiary"),
)
_FOOTER_HINTS = (
    *("about", "contact", "privacy", "terms", "advertis", "site", "careers", "cookie"),
    *("소개", "문의", "약관", "방침", "정책", "처리인", "번호", "발행인", "편집인"),
    *("전화", "책임자"),
)


def is_boilerplate(line: str) -> bool:
    """A consent banner, corporate self-description, footer link row or newsletter prompt."""
    if len(line) > _MAX_BANNER:
        return False
    lower = line.lower()
    if any(word in lower for word in _BANNER_WORDS) and _BANNER.search(line) is not None:
        return True
    if len(line) > _MAX_FOOTER or not any(hint in lower for hint in _FOOTER_HINTS):
        return False
    if _SENTENCE.search(line):
        return False
    return any(len(pattern.findall(line)) >= 2 for pattern in _FOOTER)


def ends_article(line: str) -> bool:
    """A heading after which a page lists other stories, comments or sharing buttons."""
    return len(line) <= _MAX_SECTION and _SECTION_END.match(line) is not None


def is_teaser_list(lines: Sequence[str]) -> bool:
    """Most lines are cut-off excerpts: a block of other stories, not one article."""
    teasers = sum(_TEASER.search(line) is not None for line in lines)
    return teasers >= _MIN_TEASERS and teasers >= _TEASER_SHARE * len(lines)
