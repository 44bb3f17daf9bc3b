"""`extract`: one parse, then CMS containers, JSON-LD, script data, density fallback; the chosen
body is then reviewed against boilerplate and the page's prose mass (`review`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from lxml.html import HtmlElement

from crawler.parsers import metadata
from crawler.parsers.articleview import body_container
from crawler.parsers.base import MIN_BODY_CHARS, Extracted, NoArticle
from crawler.parsers.boards import BoardPost, read_board
from crawler.parsers.chrome import clean_lines, clean_text_lines
from crawler.parsers.dom import parse_document, render_lines
from crawler.parsers.encoding import decode_html
from crawler.parsers.gate import gate
from crawler.parsers.generic import Prose, page_prose, trafilatura_lines
from crawler.parsers.headline import choose_headline
from crawler.parsers.jsonld import article_object, body_lines
from crawler.parsers.review import prefer_general, screen
from crawler.parsers.script import script_lines
from crawler.parsers.scriptdata import ScriptArticle, pick_article, script_articles
from crawler.text import normalize_line

logger = logging.getLogger(__name__)

_SHORT_BODY_CHARS = 800  # below this, script data may hold the full text the markup lacks
_PREFER_LONGER = 1.5  # an alternative body must be this much longer to replace the first choice
_NDSOFT = ("#article-view-content-div", ".article-veiw-body")

Body = tuple[list[str], str]


def extract(
    body: bytes | str,
    url: str,
    *,
    content_type: str | None = None,
    min_body_chars: int = MIN_BODY_CHARS,
) -> Extracted | None:
    """Headline, body paragraphs and date of a news article page; None when the page
    has no article body of at least `min_body_chars` characters (never an empty one)."""
    found = read_article(body, url, content_type=content_type, min_body_chars=min_body_chars)
    return found if isinstance(found, Extracted) else None


def read_article(
    body: bytes | str,
    url: str,
    *,
    content_type: str | None = None,
    min_body_chars: int = MIN_BODY_CHARS,
) -> Extracted | NoArticle:
    """`extract`, saying why a page gave no article: the one place the minimum is applied."""
    html = decode_html(body, content_type) if isinstance(body, bytes) else body
    root = parse_document(html)
    if root is None:
        return NoArticle("no_body")
    meta = metadata.metas(root)
    ld = article_object(root)
    scripts = _Scripts(root)
    headline = choose_headline(root, meta, ld, url)
    if headline is None:
        held = scripts.article(None)
        headline = normalize_line(held.headline or "") or None if held is not None else None
    declared_article = ld is not None or meta.get("og:type", "").lower() == "article"
    # A government board post: its own title, its release text.
    board = read_board(root, html, headline)
    if board is not None and _chars(board.paragraphs) < MIN_BODY_CHARS:
        board = None  # too little release text: the other strategies read the page
    override = None
    if board is not None:
        headline, found, parser = board.headline, board.paragraphs, "board"
    else:
        (found, parser), override = _body(root, html, ld, headline, declared_article, scripts)
    # Every line separator inside a paragraph is a space: one paragraph, one corpus line.
    paragraphs = [line for line in map(normalize_line, found) if line]
    length = _chars(paragraphs)
    if not headline or not length:
        logger.debug("No article body in %s (%d characters)", url, length)
        return NoArticle("no_body", length)
    if length < min_body_chars:
        logger.debug("Short body in %s (%d < %d characters)", url, length, min_body_chars)
        return NoArticle("short_body", length)
    return Extracted(
        headline=headline,
        paragraphs=tuple(paragraphs),
        published_at=_published(root, meta, ld, board),
        canonical_url=metadata.canonical_url(root, meta, url),
        parser=parser,
        override=override,
    )


class _General:
    """trafilatura's body for the page, cleaned like any other, computed at most once."""

    def __init__(self, html: str, headline: str | None) -> None:
        self._html = html
        self._headline = headline
        self._lines: list[str] | None = None

    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = clean_text_lines(trafilatura_lines(self._html), self._headline)
        return self._lines


def _published(
    root: HtmlElement, meta: dict[str, str], ld: dict[str, Any] | None, board: BoardPost | None
) -> datetime | None:
    """A board post's own date row first: metadata's last resort scans the whole page."""
    if board is not None and board.published_at is not None:
        return board.published_at
    return metadata.published_at(root, meta, ld)


class _Scripts:
    """The page's script-held articles, parsed on first use (most pages never need them)."""

    def __init__(self, root: HtmlElement) -> None:
        self._root = root
        self._found: list[ScriptArticle] | None = None

    def article(self, headline: str | None) -> ScriptArticle | None:
        """The one titled like `headline` (the longest such), else the longest of all."""
        if self._found is None:
            self._found = script_articles(self._root)
        return pick_article(self._found, headline)


def _body(
    root: HtmlElement,
    html: str,
    ld: dict[str, Any] | None,
    headline: str | None,
    article: bool,
    scripts: _Scripts,
) -> tuple[Body, str | None]:
    """The chosen body after review, and why the general extractor's body replaced it (None:
    it did not)."""
    prose = page_prose(root)  # every page: the text mass a chosen body is checked against
    general = _General(html, headline)
    best = _choose(root, ld, headline, article, scripts, prose, general)
    screened = screen(best[0], prose)
    if screened.doubt is None or best[1] == "fallback":
        return (screened.lines, best[1]), None
    other = gate(screen(general.lines(), prose).lines)
    if prefer_general(screened, other):
        logger.debug("%s body replaced by trafilatura's (%s)", best[1], screened.doubt)
        return (other, "fallback"), screened.doubt
    return (screened.lines, best[1]), None


def _choose(
    root: HtmlElement,
    ld: dict[str, Any] | None,
    headline: str | None,
    article: bool,
    scripts: _Scripts,
    prose: Prose,
    general: _General,
) -> Body:
    """Markup containers first (fast); structured data when it is clearly fuller; then fallbacks.
    Every candidate passes the code gate, so a strategy that read a script or a state blob
    gives no body rather than code."""
    best: Body = ([], "none")
    found = body_container(root)
    if found is not None:
        element, selector = found
        parser = "articleview" if selector in _NDSOFT else "container"
        best = (gate(clean_lines(render_lines(element), headline)), parser)
    if ld is not None:
        best = _longer(best, lambda: (clean_text_lines(body_lines(ld), headline), "jsonld"))
    if _chars(best[0]) < MIN_BODY_CHARS:
        blocks = prose.densest()
        if blocks:
            lines = [line for block in blocks for line in render_lines(block)]
            best = _longer(best, lambda: (clean_lines(lines, headline), "generic"))
    held = scripts.article(headline) if _chars(best[0]) < _SHORT_BODY_CHARS else None
    if held is not None:
        best = _longer(best, lambda: (clean_text_lines(held.lines, headline), held.kind))
    if _chars(best[0]) < _SHORT_BODY_CHARS:
        best = _longer(best, lambda: (clean_text_lines(script_lines(root), headline), "script"))
    if article and _chars(best[0]) < MIN_BODY_CHARS:
        # Only for pages that call themselves articles: on listings it would invent a body.
        best = _longer(best, lambda: (general.lines(), "fallback"))
    return best


def _longer(current: Body, alternative: Callable[[], Body]) -> Body:
    """Keep the current body unless it is short and the alternative longer, or the alternative
    is much longer; the alternative passes the code gate first."""
    lines, parser = alternative()
    other = (gate(lines), parser)
    current_chars, other_chars = _chars(current[0]), _chars(other[0])
    if current_chars < MIN_BODY_CHARS and other_chars > current_chars:
        return other
    if other_chars >= MIN_BODY_CHARS and other_chars > _PREFER_LONGER * current_chars:
        return other
    return current


def _chars(lines: list[str]) -> int:
    return sum(len(line) for line in lines)
