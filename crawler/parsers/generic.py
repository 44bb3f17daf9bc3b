"""Fallback for unknown layouts: the block where prose text is densest, else trafilatura; and
the page's prose mass, which every chosen body is checked against."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from crawler.parsers.dom import NOISE, SKIP_TAGS

logger = logging.getLogger(__name__)

INLINE_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "big",
        "br",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "label",
        "mark",
        "nobr",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
    ]
)
_MIN_UNIT = 25  # characters of own text that make a block a paragraph candidate
_MAX_UNIT_LINKS = 0.3
_DESCEND_SHARE = 0.9
_MAX_CLIMB = 5  # ancestor levels between the densest block and its article's chunk siblings
_MIN_CHUNK = 100  # characters of prose that make a sibling a chunk of the same article ...
_CHUNK_SHARE = 0.15  # ... and this share of the densest block's (not a key-points box)


@dataclass
class _Scores:
    """Readability-style scores: a paragraph credits its parent fully and grandparent half."""

    score: dict[HtmlElement, float] = field(default_factory=lambda: defaultdict(float))
    inside: dict[HtmlElement, int] = field(default_factory=lambda: defaultdict(int))
    units: dict[HtmlElement, int] = field(default_factory=dict)  # paragraph -> its characters

    def add_unit(self, el: HtmlElement, chars: int) -> None:
        self.units[el] = chars
        parent = el.getparent()
        if parent is not None:
            self.score[parent] += chars
            grand = parent.getparent()
            if grand is not None:
                self.score[grand] += chars / 2
        node: HtmlElement | None = el
        while node is not None:
            self.inside[node] += chars
            node = node.getparent()

    def best(self) -> HtmlElement | None:
        return max(self.score, key=self.score.__getitem__) if self.score else None


@dataclass
class Prose:
    """Where a page's prose sits, read in one pass: outside boilerplate-marked blocks (`clean`)
    and everywhere (`everywhere`, the page's text mass whatever its class names say)."""

    start: HtmlElement
    clean: _Scores = field(default_factory=_Scores)
    everywhere: _Scores = field(default_factory=_Scores)

    @property
    def page_chars(self) -> int:
        """Characters of all prose paragraphs on the page."""
        return self.everywhere.inside.get(self.start, 0)

    @property
    def block_chars(self) -> int:
        """Characters of prose in the page's densest block, class names ignored."""
        best = self.everywhere.best()
        return self.everywhere.inside.get(best, 0) if best is not None else 0

    def densest(self) -> list[HtmlElement]:
        """The block where unmarked prose is densest, narrowed to a dominant child; or, when the
        template cut the article into same-class sibling chunks (between ads or figures),
        every chunk that holds prose, in page order. Empty when the page has no prose."""
        # When a noise word on a page wrapper hid everything, class names are ignored.
        scores = self.clean if self.clean.score else self.everywhere
        best = scores.best()
        if best is None:
            return []
        parent = best.getparent()
        lead = _lead_chars(best, scores)
        if parent is not None and lead >= max(_MIN_CHUNK, _CHUNK_SHARE * scores.inside[best]):
            # Paragraphs before the block in its parent (a lead above a paywall box or a
            # figure): the block is the article's rest, the parent the whole of it.
            best = parent
        return _chunks(best, scores) or [_narrow(best, scores)]


def page_prose(root: HtmlElement) -> Prose:
    body = root.find("body")
    prose = Prose(body if body is not None else root)
    _visit(prose.start, False, prose)
    return prose


def _lead_chars(block: HtmlElement, scores: _Scores) -> int:
    """Characters of the paragraphs that are the block's preceding siblings."""
    units = scores.units
    return sum(units.get(sibling, 0) for sibling in block.itersiblings(preceding=True))


def _chunks(best: HtmlElement, scores: _Scores) -> list[HtmlElement]:
    """`best` and its siblings of the same tag and classes, when they hold prose too: the
    chunks of one article. Looked for at `best` and up to _MAX_CLIMB ancestors above it."""
    node = best
    floor = max(_MIN_CHUNK, _CHUNK_SHARE * scores.inside.get(best, 0))
    for _ in range(_MAX_CLIMB):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return []
        classes = node.get("class", "").split()
        if classes:
            twins = [
                child
                for child in parent
                if child.tag == node.tag
                and child.get("class", "").split() == classes
                and (child is node or scores.inside.get(child, 0) >= floor)
            ]
            if len(twins) > 1:
                return twins
        node = parent
    return []


def _narrow(el: HtmlElement, scores: _Scores) -> HtmlElement:
    """Step into a child that holds nearly all of the prose (text between <br>s in one div)."""
    while True:
        total = scores.inside.get(el, 0)
        child = max(el, key=lambda c: scores.inside.get(c, 0), default=None)
        if child is None or scores.inside.get(child, 0) < _DESCEND_SHARE * total:
            return el
        el = child


def _visit(el: HtmlElement, noisy: bool, prose: Prose) -> tuple[int, int]:
    """Own inline text of el as (characters, link characters); blocks register as units."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if not tag or tag in SKIP_TAGS:
        return 0, 0
    if not noisy:
        get = el.get  # not el.attrib: that builds a mapping object per element
        classes, ident = get("class"), get("id")
        if classes or ident:  # most elements have neither: no string to build and search
            noisy = NOISE.search(f"{classes or ''} {ident or ''}".lower()) is not None
    text = el.text
    chars = len(text.strip()) if text else 0
    links = 0
    for child in el:
        child_chars, child_links = _visit(child, noisy, prose)
        tail = child.tail
        chars += child_chars + (len(tail.strip()) if tail else 0)
        links += child_links
    if tag == "a":
        links = chars
    if tag in INLINE_TAGS:
        return chars, links
    if chars >= _MIN_UNIT and links <= _MAX_UNIT_LINKS * chars:
        prose.everywhere.add_unit(el, chars)
        if not noisy:
            prose.clean.add_unit(el, chars)
    return 0, 0


def trafilatura_lines(html: str) -> list[str]:
    """trafilatura in recall mode, lines of its plain-text output: the last resort, and the
    second answer for a body the review doubts."""
    import trafilatura  # slow to import and to run; only pages nothing else could read get here

    # fast: no second opinion from its backup extractors (jusText, readability), which cost
    # more than the main pass and, on the pages that get here, seldom change the answer.
    text = trafilatura.extract(
        html, favor_recall=True, include_comments=False, include_tables=True, fast=True
    )
    logger.debug("trafilatura fallback returned %d characters", len(text or ""))
    return text.split("\n") if text else []
