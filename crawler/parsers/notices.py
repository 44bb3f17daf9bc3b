"""Lines outlets append to stories that are not the story: hashtag lines, help-line notices.

Broadcasters close every report on a suicide with a notice of counselling lines ('※ 우울감 등
말하기 어려운 고민이 있거나 … 자살예방 상담전화 ☎109 또는 1393 …'); entertainment desks end
with a line of hashtags ('#아스트로_문빈 #문빈'). HELPLINE_NAMES and HELPLINE_NUMBERS are data:
add a line's name or number when a variant slips through.
"""

from __future__ import annotations

import re

# A line made only of hashtags, each with a letter in it ('#1' alone is a ranking, not a tag).
_HASHTAGS = re.compile(r"^(?:#[^\s#]*[A-Za-z\uac00-\ud7a3][^\s#]*\s*)+$")
HELPLINE_NAMES: tuple[str, ...] = (
    r"자살\s*예방\s*(?:상담\s*)?(?:전화|핫\s*라인)",
    r"정신\s*건강\s*(?:위기\s*)?상담\s*(?:전화|센터)?",
    r"생명의\s*전화",
    r"희망의\s*전화",
    r"청소년\s*(?:상담\s*)?(?:전화|모바일\s*상담)",
    r"자살\s*예방\s*(?:SNS|에스엔에스)\s*상담",
)
HELPLINE_NUMBERS: tuple[str, ...] = ("109", "1393", "1577-?0199", "1588-?9191", "129", "1388")
_NAME = re.compile("|".join(HELPLINE_NAMES), re.IGNORECASE)
_NUMBER = re.compile(rf"(?<![\d-])(?:{'|'.join(HELPLINE_NUMBERS)})(?![\d-])")
# The notice's own form: a reference mark, or the conditional and the offer it is written in.
_NOTICE_FORM = re.compile(
    r"^[\s※*▶☞■◆●\[(【]|있거나|있을\s*경우|있다면|필요하면|필요할\s*경우|"
    r"말하기\s*어려운|(?:상담|도움)을?\s*받을\s*수|받으실\s*수"
)
# A news sentence about the lines themselves ends in the plain -다 of reporting, not -니다.
_REPORTED = re.compile(r"(?<!니)다[.!]?[\"”’'」』)\]]*$")
_MAX_NOTICE = 500


def is_notice(text: str) -> bool:
    """True for a line of hashtags or a help-line notice appended to a report."""
    if "#" in text and _HASHTAGS.match(text):
        return True
    if len(text) > _MAX_NOTICE or ("전화" not in text and "상담" not in text):
        return False
    names = len(_NAME.findall(text))
    if not names or _NUMBER.search(text) is None:
        return False
    if _NOTICE_FORM.search(text):
        return True
    return names >= 2 and _REPORTED.search(text) is None
