"""What counts as a revision: the article's own lines compared, the page around them ignored.

Both sides are corpus texts (headline line, then the extracted body lines), so the page's
chrome, ads and related links are gone before the comparison. What can remain inside an
article body and changes on every view (a view counter, a "수정" time stamp, a like count) is
dropped line by line here, and whitespace and invisible characters are normalised away.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from crawler.text import normalize_line

# Whole lines that are page furniture even inside an article body: counters and time stamps.
_VOLATILE = re.compile(
    r"^(?:"
    r"(?:조회(?:수)?|조회\s*수|views?|hits?|댓글|공유|좋아요|추천|읽음)\s*[:：]?\s*[\d,.]+\s*(?:회|명|건|개)?"
    r"|(?:(?:입력|수정|승인|등록|업데이트|기사입력|최종\s*수정|게재|발행)\s*[:：]?\s*"
    r"[\d./\-: ()년월일시분오전후APMapm]+\s*)+"
    r")$",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)

Kind = Literal["revised", "headline"]


@dataclass(frozen=True)
class Change:
    """How a new version differs from the stored one."""

    kind: Kind  # "headline": only the headline changed; "revised": the body changed
    headline_old: str | None  # both set when the headline changed
    headline_new: str | None
    lines_added: int
    lines_removed: int
    tokens_changed: int
    diff: list[str] = field(default_factory=list)  # "-old line" / "+new line"


def content_lines(text: str) -> list[str]:
    """The lines a revision is about: normalised, non-empty, without counters and stamps."""
    lines = (normalize_line(line) for line in text.splitlines())
    return [line for line in lines if line and not _VOLATILE.match(line)]


def compare(old_text: str, new_text: str) -> Change | None:
    """The change from `old_text` to `new_text` (corpus texts), or None when the article's
    headline and body lines are the same."""
    old, new = content_lines(old_text), content_lines(new_text)
    if old == new:
        return None
    old_head, new_head = (old[0] if old else ""), (new[0] if new else "")
    old_body, new_body = old[1:], new[1:]
    headline_changed = old_head != new_head
    added, removed, diff = line_diff(old_body, new_body)
    tokens = tokens_changed(old_body, new_body)
    if headline_changed:
        diff = [f"-{old_head}", f"+{new_head}", *diff]
        tokens += tokens_changed([old_head], [new_head])
    return Change(
        kind="revised" if old_body != new_body else "headline",
        headline_old=old_head if headline_changed else None,
        headline_new=new_head if headline_changed else None,
        lines_added=added,
        lines_removed=removed,
        tokens_changed=tokens,
        diff=diff,
    )


def line_diff(old: list[str], new: list[str]) -> tuple[int, int, list[str]]:
    """(lines added, lines removed, the changed lines marked "+"/"-") from `old` to `new`."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    added = removed = 0
    diff: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed += i2 - i1
        added += j2 - j1
        diff += [f"-{line}" for line in old[i1:i2]] + [f"+{line}" for line in new[j1:j2]]
    return added, removed, diff


def tokens_changed(old: list[str], new: list[str]) -> int:
    """Words and punctuation marks inserted or deleted (a replaced word counts twice)."""
    a = _TOKEN.findall("\n".join(old))
    b = _TOKEN.findall("\n".join(new))
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return (len(a) - same) + (len(b) - same)


def same_story(old_text: str, new_text: str, threshold: float = 0.5) -> bool:
    """Whether a page an article now redirects to is the same article (moved, perhaps edited):
    the same headline, or at least `threshold` of the stored body lines still there."""
    old, new = content_lines(old_text), content_lines(new_text)
    if not old or not new:
        return False
    if old[0] == new[0]:
        return True
    body = set(old[1:])
    if not body:
        return False
    return len(body & set(new[1:])) / len(body) >= threshold


_FRONT_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php", "/main.html",
                          "/main.php", "/default.aspx", "/news", "/news/"})  # fmt: skip


def is_front_page(url: str, homepage: str | None = None) -> bool:
    """Whether `url` is a site's front page: its root, an index page, or the source's homepage."""
    parts = urlsplit(url)
    if homepage:
        home = urlsplit(homepage)
        if (parts.netloc.lower(), parts.path.rstrip("/")) == (
            home.netloc.lower(),
            home.path.rstrip("/"),
        ) and not parts.query:
            return True
    return parts.path.lower() in _FRONT_PATHS and not parts.query
