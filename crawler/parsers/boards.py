"""Government press-release boards (eGov boardView.do, `?idx=N&mode=view` modules, board.es).

A board post is found by its structure, not its host: a block of metadata labels of two kinds
or more, one of them a date or a view count ('등록일', '조회수', '담당부서', '첨부파일'), inside
the post's container, with the post's title above them (or in a '제목' row). The headline is
that title, never the board's name; the body is the container minus the title, the label rows,
the attachment list and the licence box, read line by line (see boardtext).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from lxml.html import HtmlElement

from crawler.dates import parse_kst
from crawler.parsers.articleview import body_container
from crawler.parsers.boardtext import FILE_NAME, board_lines, is_board_name, label_kind
from crawler.parsers.chrome import clean_lines
from crawler.parsers.dom import render_lines
from crawler.parsers.gate import gate
from crawler.text import normalize_line

# A label's first word or a file name's extension; text without one is never a label.
_QUICK = re.compile(
    r"^\s*(?:작성|등록|게시|배포|보도|날짜|일자|조회|hits?|글쓴|담당|부서|연락|전화|첨부|파일|별첨)|"
    r"\.[A-Za-z]{3,4}\s*$",
    re.IGNORECASE,
)
# Every board post opens an element with a date or view label ('>등록일<', '>작성일 : 2025…',
# '>조회수 12'); one scan of the page text rules out the pages without any (most news pages)
# before the tree is walked.
_PAGE_HINT = re.compile(
    r">\s*(?:(?:작성|등록|게시|배포|보도)\s*일|날짜|일자|조회\s*수?|hits?)(?:\s*[:：<\d]|\s*$)",
    re.IGNORECASE | re.MULTILINE,
)
_MAX_NODE = 200  # text nodes longer than this are prose, never a label
_TIME_KINDS = frozenset(["date", "views"])
_LABEL_DEPTH = 6  # levels from a label up to the block that holds a second kind of label
_MIN_POST = 250  # characters after the labels when they head a release (a page-info box: none)
_MAX_TRIES = 3
_LISTED = 3  # the same date/view label this often in one container: a list of posts
_ROW_CHARS = 200  # a label row or block is short; climbing stops at the first larger block
_DATE_ROW_CHARS = 120  # a date row with its neighbours ('등록일 2025.12.05 16:40 조회수 20')
_FILE_BLOCK_CHARS = 800  # an attachment list (long file names) is longer, still no prose
_TITLE_WORD = re.compile(
    r"(?:^|[-_\s])(?:view_?)?(?:title|tit|subject|sbj|head(?:line)?)(?:$|[-_\s\d])"
)
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_PROSE = re.compile(r"[\uac00-\ud7a3]다[.!]")
# Blocks of a post that are never the release, by class/id words.
_CHROME_MARKS = re.compile(
    r"(?<![a-z0-9])(?:files?|file_?\w+|attach\w*|download\w*|down|kogl\w*|nuri|opentype\w*|"
    r"open_?type\w*|license|prev\w*|next\w*|pager|paging|inventory|satisf\w*|codeview\w*)"
    r"(?![a-z0-9])"
)


@dataclass(frozen=True)
class BoardPost:
    """A board post's headline and its body paragraphs (chrome dropped, code gated)."""

    headline: str
    paragraphs: list[str]
    published_at: datetime | None  # from the post's date row ('작성일 : 2025-12-05 17:09'), UTC


def read_board(root: HtmlElement, html: str = "", headline: str | None = None) -> BoardPost | None:
    """The post of a government board page, or None when the page is not one (`html`: the
    page's text, to rule most pages out with one scan; `headline`: the page's headline from
    its metadata, used when the post shows no title element of its own)."""
    if html and _PAGE_HINT.search(html) is None:
        return None
    found = body_container(root)
    news = found[0] if found is not None else None
    fallback = headline if headline and not is_board_name(headline) else None
    for container in _containers(root):
        if news is not None and not _related(news, container):
            continue  # labels of some other block: the page's article body is elsewhere
        post = copy.deepcopy(container)  # chrome is cut out of a copy, never the page
        title = _title(post)
        if title is not None:
            headline = normalize_line(" ".join(title.text_content().split()))
            _cut(title)
        elif fallback is not None:
            headline = fallback
        else:
            continue
        published = _post_date(post)
        _cut_chrome(post)
        lines = board_lines(render_lines(post))
        return BoardPost(headline, gate(clean_lines(lines, headline)), published)
    return None


def _related(one: HtmlElement, other: HtmlElement) -> bool:
    """One element holds the other (a board's body matched by a generic container class)."""
    return one is other or other in one.iterancestors() or one in other.iterancestors()


def _labels(root: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """Elements whose own short text is a metadata label or a file name, with their kind."""
    found: list[tuple[HtmlElement, str]] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        for text, owner in ((el.text, el), (el.tail, el.getparent())):
            if not text or len(text) > _MAX_NODE or owner is None or not _QUICK.search(text):
                continue
            value = text.strip()
            kind = "attach" if FILE_NAME.search(value) else label_kind(value)
            if kind is not None and not _is_control_or_header(owner):
                found.append((owner, kind))
    return found


def _is_control_or_header(el: HtmlElement) -> bool:
    """Links, form options and a list table's header row name columns, not a post's fields."""
    for depth, node in enumerate(chain([el], el.iterancestors())):
        if depth > 2:
            return False
        tag = node.tag
        if tag in ("a", "option", "select", "button"):
            return True
        if tag == "th":
            row = node.getparent()
            return row is None or row.find("td") is None
    return False


def _containers(root: HtmlElement) -> Iterator[HtmlElement]:
    """Post containers: a block holding two kinds of labels, grown until a release follows it.
    A container repeating a date or view label is a listing of posts, not a post."""
    labels = _labels(root)
    kinds_at: dict[HtmlElement, set[str]] = {}
    order: list[HtmlElement] = []
    for el, kind in labels:
        for depth, node in enumerate(chain([el], el.iterancestors())):
            if depth > _LABEL_DEPTH:
                break
            if node not in kinds_at:
                kinds_at[node] = set()
                order.append(node)
            kinds_at[node].add(kind)
    blocks = [n for n in order if len(kinds_at[n]) >= 2 and kinds_at[n] & _TIME_KINDS]
    seen: set[HtmlElement] = set()
    for block in blocks:
        container = _grown(block)
        if container is None or container in seen:
            continue
        seen.add(container)
        if not _is_listing(container, labels):
            yield container
        if len(seen) >= _MAX_TRIES:
            return


def _grown(block: HtmlElement) -> HtmlElement | None:
    """The nearest ancestor in which a release's worth of text follows the labels' block (a
    page's own 'page views / department' box sits after the content, with nothing after it)."""
    after = 0
    node = block
    parent = node.getparent()
    while parent is not None and parent.tag not in ("body", "html"):
        after += len((node.tail or "").strip()) + sum(map(_text_size, node.itersiblings()))
        if after >= _MIN_POST:
            return parent
        node, parent = parent, parent.getparent()
    return None


def _is_listing(container: HtmlElement, labels: list[tuple[HtmlElement, str]]) -> bool:
    counts: dict[str, int] = {}
    for el, kind in labels:
        if kind in _TIME_KINDS and (el is container or container in el.iterancestors()):
            counts[kind] = counts.get(kind, 0) + 1
    return any(count >= _LISTED for count in counts.values())


def _title(post: HtmlElement) -> HtmlElement | None:
    """The post's title: a '제목' row's value, else the first title-like element above the
    labels (the innermost one: a heading inside a 'view_head' wrapper)."""
    labelled = _labelled_title(post)
    if labelled is not None:
        return labelled
    labels = {el for el, _ in _labels(post)}
    for el in post.iter():
        if el in labels:
            return None  # the title stands above the metadata rows
        if _is_title(el, labels):
            inner = next((d for d in el.iterdescendants() if _is_title(d, labels)), None)
            return inner if inner is not None else el
    return None


def _is_title(el: HtmlElement, labels: set[HtmlElement]) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    marks = f"{el.get('class', '')} {el.get('id', '')}".lower()
    if tag not in _HEADINGS and _TITLE_WORD.search(marks) is None:
        return False
    text = normalize_line(" ".join(el.text_content().split()))
    if not 4 <= len(text) <= 300 or is_board_name(text) or label_kind(text):
        return False
    return not any(d in labels for d in el.iterdescendants())


def _labelled_title(post: HtmlElement) -> HtmlElement | None:
    """The value cell of a '제목' row (<th>제목</th><td>…</td>, <dt>제목</dt><dd>…</dd>)."""
    for el in post.iter("th", "dt", "label", "strong", "span", "em", "b"):
        if el.text_content().strip() != "제목":
            continue
        cell = el if el.tag in ("th", "dt") else el.getparent()
        value = cell.getnext() if cell is not None else None
        if value is not None and value.tag not in ("th", "dt"):
            text = value.text_content().strip()
            if 4 <= len(text) <= 300:
                _cut(cell)
                return value
    return None


def _post_date(post: HtmlElement) -> datetime | None:
    """The date of the first date row that holds one (label and value share a short row)."""
    for el, kind in _labels(post):
        if kind != "date":
            continue
        row = _row_of(el, post, _DATE_ROW_CHARS)
        published = parse_kst(" ".join(row.text_content().split()))
        if published is not None:
            return published
    return None


def _cut_chrome(post: HtmlElement) -> None:
    """Remove label rows, attachment lists and licence/neighbour boxes from the copy."""
    for el, kind in _labels(post):
        limit = _FILE_BLOCK_CHARS if kind == "attach" else _ROW_CHARS
        _cut(_row_of(el, post, limit))
    marked = [
        el
        for el in post.iterdescendants()
        if isinstance(el.tag, str)
        and _CHROME_MARKS.search(f"{el.get('class', '')} {el.get('id', '')}".lower())
    ]
    for el in marked:
        _cut(el)


def _row_of(el: HtmlElement, post: HtmlElement, limit: int) -> HtmlElement:
    """The largest block around a label that is still short and holds no sentence of prose."""
    row = el
    parent = row.getparent()
    while parent is not None and parent is not post:
        text = parent.text_content()
        if len(text.strip()) > limit or _PROSE.search(text):
            break
        row, parent = parent, parent.getparent()
    return row


def _cut(el: HtmlElement | None) -> None:
    """Remove an element, keeping its tail text (it belongs to the parent's flow)."""
    if el is not None and el.getparent() is not None:
        el.drop_tree()


def _text_size(el: HtmlElement) -> int:
    if not isinstance(el.tag, str):
        return 0  # a comment or processing instruction
    total = sum(len(text.strip()) for text in el.itertext())
    for code in el.iter("script", "style"):
        total -= len(code.text.strip()) if code.text else 0
    return total
