"""Lines of a government board post that are not the release: metadata, files, captions, contacts.

Press releases on 시청/군청/도청 boards share a vocabulary whatever the board software: a row
of labels ('작성일 : 2025-12-05 17:09', '조회수 52', '담당부서 홍보과'), an attachment list
('첨부파일', '보도자료.hwp'), a photo note ('사진 설명)', '(사진 제공-나주시)'), the contact of the
department ('(홍보팀장 김○○ 270-4730)'), the licence box ('공공누리 제1유형') and deck lines set
above the first sentence. The patterns below are that vocabulary; add to them when a board
template's line slips through.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from crawler.parsers.dom import Line

# Label words of a post's metadata rows, by kind (a board page shows two kinds or more).
LABEL_KINDS: dict[str, str] = {
    "date": r"작성\s*일(?:자|시)?|등록\s*일(?:자|시)?|게시\s*일(?:자)?|배포\s*일(?:자|시)?|"
    r"보도\s*일(?:자|시)?|날짜|일자",
    "views": r"조회\s*수?|hits?",
    "author": r"작성자|등록자|게시자|글쓴이",
    "dept": r"담당\s*부서|등록\s*부서|작성\s*부서|부서(?:명)?|담당자|담당과",
    "contact": r"연락처|전화\s*번호|담당\s*전화(?:번호)?",
    "attach": r"첨부\s*파일(?:\s*\(\d+\))?|첨부|파일\s*\d*|별첨",
}
_LABEL = re.compile(
    "|".join(
        f"(?P<{kind}>^(?:{words})(?=\\s*[:：]|\\s*$|\\s+\\S))"
        for kind, words in LABEL_KINDS.items()
    ),
    re.IGNORECASE,
)
MAX_LABEL_CHARS = 40  # a label with its value ('작성일 : 2025-12-05 17:09') is short
FILE_NAME = re.compile(
    r"\.(?:hwpx?|pdf|jpe?g|png|gif|zip|xlsx?|docx?|pptx?|txt)\s*$", re.IGNORECASE
)

# Board names (a page's section, not a post): '보도자료', '보도자료/해명 < 신안군뉴스'.
_BOARD_WORDS = re.compile(
    r"^(?:보도\s*자료|보도|해명(?:\s*자료)?|설명\s*자료|언론\s*보도|공지\s*사항|새\s*소식|"
    r"[시군구도]정\s*(?:소식|뉴스)|\S{1,8}(?:소식|뉴스|뉴스룸)|알림\s*마당|열린\s*[시군구도]정|"
    r"게시판|목록|(?:\d+\s*페이지\s*)?목록\s*보기|상세|상세\s*보기|글\s*보기|내용\s*보기|"
    r"고시\s*/?\s*공고|공고)$"
)
# Site keywords set as a title ('경북도청, 경상북도, 경북, 도청, Gyeongsangbuk-do'): short names
# with a romanised one among them.
_KEYWORD_PARTS = 4
_ROMANISED = re.compile(r"^[A-Za-z]+(?:[- ][A-Za-z]+)+$")
_TRAIL = re.compile(r"\s*[<>|›»/]\s*")
_MAX_TRAIL_PART = 14


def label_kind(text: str) -> str | None:
    """The kind of metadata label a short text opens with ('등록일' -> 'date'), else None."""
    if len(text) > MAX_LABEL_CHARS:
        return None
    match = _LABEL.match(text.strip())
    return match.lastgroup if match else None


def is_board_name(text: str) -> bool:
    """True for a board's or section's name (or a trail of them), never a post's headline."""
    parts = [part for part in _TRAIL.split(text.strip()) if part]
    if not parts or any(len(part) > _MAX_TRAIL_PART for part in parts):
        return False
    return any(_BOARD_WORDS.match(part) for part in parts)


def is_keyword_list(text: str) -> bool:
    """True for a site's keyword list set as a title, never a post's headline."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) < _KEYWORD_PARTS or any(len(part) > _MAX_TRAIL_PART + 6 for part in parts):
        return False
    return any(_ROMANISED.match(part) for part in parts)


# Lines dropped from a board post wherever they stand.
_ROW_KINDS = ("date", "views", "author", "dept", "contact")
_META_LINE = re.compile(
    rf"^[\[(]?\s*(?:{'|'.join(LABEL_KINDS[kind] for kind in _ROW_KINDS)})"
    r"(?:\s*[:：].{0,80}|\s+.{1,30}|\s*)$"
)
_ATTACH_LINE = re.compile(
    r"^[\s※*\-·•▶(\[]*(?:첨부\s*파일|첨부|별첨|붙임)(?:\s*\d+)?(?:\s*[:：.)\]]|\s*$)|첨부\s*\)?\s*$|"
    r"^(?:미리\s*보기|다운로드|바로\s*듣기|바로\s*보기|내려\s*받기|전체\s*\(?zip\)?\s*다운로드)$",
    re.IGNORECASE,
)
_CAPTION_MARK = r"[\s※*\-·•▶\[(<【]*사진\s*(?:설명|캡션|내용)?"
_CAPTION_LINE = re.compile(
    rf"^{_CAPTION_MARK}\s*[\]):：>】=]|^[\s※*(]*사진\s*(?:제공|있음|첨부|별첨|자료)|^/?\S{{1,12}}\s*제공\)?$"
)
_CAPTION_HEAD = re.compile(rf"^{_CAPTION_MARK}\s*[\]):：>】]?\s*$")
_LICENCE_LINE = re.compile(r"공공\s*누리|저작물은|출처\s*표시|자유\s*이용\s*허락")
_NAV_LINE = re.compile(r"^(?:이전\s*글|다음\s*글|윗\s*글|아랫\s*글)(?:\s|$|[:：])")
_PHONE = re.compile(r"☎|(?<!\d)(?:0\d{1,2}[-.)]\s?)?\d{3,4}-\d{4}(?!\d)")
_CONTACT_LEAD = re.compile(
    r"^[\s(【\[<]*(?:자료\s*제공|문의|담당\s*부서|담당자|업무\s*담당자?|보도\s*담당|작성자|연락처)\s*[:：]"
)
_END_MARK = re.compile(r"\s*(?:<\s*끝\s*>|\(\s*끝\s*\)|[-/]\s*끝\s*[-/]|【\s*끝\s*】)\s*$")
_STATEMENT = re.compile(r"다[.!]?[\"”’'」』)\]]*$")
# The plain -다 of a release's sentences; notices are written in -니다 ('이용할 수 있습니다.').
_PLAIN_STATEMENT = re.compile(r"(?<!니)다[.!]?[\"”’'」』)\]]*$")
_SENTENCE_END = re.compile(r"(?:[.?!。…]|다|요|죠|까)[\"”’'」』)\]]*$")
_MAX_NOTE = 200  # a longer line is prose even when it names a file, a phone or a photo
_MAX_CAPTION_LINES = 3  # lines after a bare '사진 설명)' that are the caption, not the body


def board_lines(lines: Sequence[Line]) -> list[Line]:
    """The release's own lines: notes, captions and contacts dropped, the deck before it too."""
    texts = [_END_MARK.sub("", line.text) for line in lines]
    kept: list[Line] = []
    skip_to = -1
    for index, (line, text) in enumerate(zip(lines, texts, strict=True)):
        if index <= skip_to:
            continue
        if _CAPTION_HEAD.match(text):
            skip_to = index + _caption_length(texts[index + 1 :])
            continue
        if text and not is_board_note(text):
            kept.append(Line(text, line.link_chars, line.emphasis_chars))
    return _drop_deck(kept)


def _caption_length(following: list[str]) -> int:
    """Lines after a bare '사진 설명)' that are its caption: up to a photo credit line, or all
    of them when few lines are left; none when neither tells where the caption ends."""
    window = following[:_MAX_CAPTION_LINES]
    for offset, text in enumerate(window):
        if _CAPTION_LINE.search(text):
            return offset + 1
    return len(following) if len(following) <= _MAX_CAPTION_LINES else 0


def is_board_note(text: str) -> bool:
    """A metadata row, file, photo note, licence, neighbour link or contact line of a post."""
    if len(text) > _MAX_NOTE:
        return False
    if _META_LINE.match(text) and not _STATEMENT.search(text):
        return True
    if _ATTACH_LINE.search(text) or FILE_NAME.search(text):
        return True
    if _CAPTION_LINE.search(text) or _NAV_LINE.match(text):
        return True
    if _LICENCE_LINE.search(text) and not _PLAIN_STATEMENT.search(text):
        return True
    if _CONTACT_LEAD.match(text) and not _STATEMENT.search(text):
        return True
    return _PHONE.search(text) is not None and _STATEMENT.search(text) is None


def _drop_deck(lines: list[Line]) -> list[Line]:
    """Drop the deck (subtitle lines, repeated title) above the release's first sentence."""
    for index, line in enumerate(lines):
        if _SENTENCE_END.search(line.text):
            return lines[index:]
    return lines  # no sentence at all: nothing to tell deck from body
