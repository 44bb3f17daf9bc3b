"""Parse HTML once and turn an element into body lines, skipping page chrome by tag and class."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from crawler.htmlpage import parse_html
from crawler.text import normalize_line

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "blockquote",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
# Never body text, wherever they sit.
SKIP_TAGS = frozenset(
    [
        "aside",
        "audio",
        "button",
        "canvas",
        "caption",
        "dialog",
        "embed",
        "figcaption",
        "figure",
        "footer",
        "head",
        "iframe",
        "img",
        "input",
        "link",
        "map",
        "menu",
        "meta",
        "nav",
        "noscript",
        "object",
        "option",
        "picture",
        "script",
        "select",
        "style",
        "svg",
        "template",
        "textarea",
        "title",
        "video",
    ]
)
# Class/id words of boilerplate blocks, matched as whole words between - and _ separators.
_NOISE_WORDS = (
    r"ads?|adsense|advert\w*|banner\w*|sponsor\w*|promo\w*|dable|taboola|"
    r"related|relation|recommend\w*|popular|rank|ranking|most|best|hot[-_]?news|"
    r"more|more[-_]?news|other[-_]?news|news[-_]?list|"
    r"share|sharing|sns|social|like|reaction|comments?|reply|replies|"
    r"tags?|hash[-_]?tags?|keywords?|subscribe|subscription|newsletter|jebo|"
    r"copyright|copy[-_]?right|caption|cap|photo\w*|img\w*|image\w*|pic|thumb\w*|gallery|"
    r"slide\w*|swiper|carousel|video|vod|player|"
    r"toolbar|tools?|util\w*|print|fontsize|font[-_]size[-_](?:btns?|control|box)|toast|tooltip|popup|modal|"
    r"btns?|buttons?|bookmark|scrap|"
    r"blind|sr[-_]?only|screen[-_]?out|hide|hidden|skip|"
    r"gnb|lnb|snb|menu|nav\w*|footer|sidebar|side|widget|weather|"
    r"sub[-_]?tit(?:le)?|sub[-_]?head(?:ing|line)?|summary|"
    r"(?:pull|module)[-_]?quote|quote[-_]?box|date|dates|datetime|paging|pagination"
)
NOISE = re.compile(rf"(?<![a-z0-9])(?:{_NOISE_WORDS})(?![a-z0-9])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_EMPHASIS_TAGS = frozenset(["strong", "b", "h2", "h3", "h4", "h5", "h6"])


def _parser() -> etree.HTMLParser:
    """lxml.html's parser minus work extraction never reads: no ID table, and every element is
    a plain HtmlElement (lxml.html's per-tag form classes cost a Python call per element)."""
    parser = etree.HTMLParser(collect_ids=False)
    lookup = etree.ElementDefaultClassLookup(
        element=HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
    parser.set_element_class_lookup(lookup)
    return parser


_PARSER = _parser()


def parse_document(html: str) -> HtmlElement | None:
    """The lxml tree of a page, or None when there is nothing to parse."""
    return parse_html(html, parser=_PARSER)


def parse_fragment(html: str) -> HtmlElement | None:
    """A body held as an HTML string (JSON-LD, script data) wrapped in one <div>."""
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return None


def is_noise(el: HtmlElement) -> bool:
    """Boilerplate by tag, class/id words or hidden style; only asked of descendants of a body."""
    tag = el.tag
    return not isinstance(tag, str) or _is_noise(el, tag.lower())


def _is_noise(el: HtmlElement, tag: str) -> bool:
    """`is_noise` of an element whose lower-case tag name the caller has already."""
    if tag in SKIP_TAGS:
        return True
    get = el.get  # not el.attrib: that builds a mapping object per element
    if get("hidden") is not None or get("aria-hidden") == "true":
        return True
    style = get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    classes, ident = get("class"), get("id")
    if not classes and not ident:  # most elements: no marks to search
        return False
    marks = f"{classes or ''} {ident or ''}".lower()
    return bool(marks.strip()) and NOISE.search(marks) is not None


@dataclass
class Line:
    """One rendered line and how much of it is link text (navigation, lists of other stories)."""

    text: str
    link_chars: int
    emphasis_chars: int = 0  # inside <strong>/<b>/<h2>-<h6>: a subtitle box when it is all of it


@dataclass
class _Builder:
    lines: list[Line] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    in_link: int = 0
    emphasis_chars: int = 0
    in_emphasis: int = 0

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)
            if self.in_link:
                self.link_chars += len(text.strip())
            if self.in_emphasis:
                self.emphasis_chars += len(text.strip())

    def newline(self) -> None:
        if self.parts:
            # normalize_line folds every line break and tab itself.
            text = normalize_line("".join(self.parts))
            if text:
                self.lines.append(Line(text, self.link_chars, self.emphasis_chars))
        self.parts.clear()
        self.link_chars = self.emphasis_chars = 0


def render_lines(root: HtmlElement) -> list[Line]:
    """Lines of an element's text: blocks and <br> break lines; chrome subtrees are skipped."""
    builder = _Builder()
    builder.add(root.text)
    for child in root:
        _walk(child, builder)
    builder.newline()
    return builder.lines


def _walk(el: HtmlElement, out: _Builder) -> None:
    tag = el.tag
    if not isinstance(tag, str) or _is_noise(el, tag := tag.lower()):
        out.add(el.tail)
        return
    if tag == "br":
        out.newline()
        out.add(el.tail)
        return
    if tag == "table" and _is_data_table(el):
        _walk_rows(el, out)
        out.add(el.tail)
        return
    block = tag in BLOCK_TAGS
    link = tag == "a" and not el.get("href", "").startswith("mailto:")
    emphasis = tag in _EMPHASIS_TAGS
    if block:
        out.newline()
    out.in_link += link
    out.in_emphasis += emphasis
    out.add(el.text)
    for child in el:
        _walk(child, out)
    out.in_link -= link
    out.in_emphasis -= emphasis
    if block:
        out.newline()
    out.add(el.tail)


_CELLS = ("td", "th")
_MAX_CELL = 80  # characters: a longer cell is layout (a column of a page), not data
_CELL_BLOCKS = BLOCK_TAGS - {"center"}


def _is_data_table(table: HtmlElement) -> bool:
    """Rows of short cells with inline content only: a table of figures, read one row a line.
    A layout table (cells holding paragraphs, line breaks, other tables) is walked as blocks."""
    rows = 0
    for el in table.iterdescendants():
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "tr":
            rows += 1
        elif tag in _CELLS:
            if len("".join(el.itertext()).strip()) > _MAX_CELL:
                return False
        elif tag == "br" or (tag in _CELL_BLOCKS and tag not in ("tbody", "thead", "tfoot")):
            return False
    return rows >= 2


def _walk_rows(table: HtmlElement, out: _Builder) -> None:
    """One line per row: the row's cells, in order, separated by spaces."""
    for row in table.iter("tr"):
        out.newline()
        for cell in row:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in _CELLS:
                continue
            if _is_noise(cell, cell.tag.lower()):
                continue
            out.add(" ")
            out.add(cell.text)
            for child in cell:
                _walk(child, out)
        out.newline()
