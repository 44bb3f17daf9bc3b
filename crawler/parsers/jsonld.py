"""Schema.org JSON-LD: the NewsArticle object of a page, read leniently, and its articleBody."""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from crawler.parsers.dom import parse_fragment, render_lines

logger = logging.getLogger(__name__)

_ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "report",
        "liveblogposting",
    }
)
# Hand-written JSON-LD in Korean CMS templates carries // comments and trailing commas.
# The string-literal branch is the unrolled "(?:[^"\\]|\\.)*": the same matches, fewer steps.
_LINE_COMMENT = re.compile(r'("[^"\\]*(?:\\.[^"\\]*)*")|//[^\n]*')
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_MAX_DEPTH = 20
_TAG = re.compile(r"<(?:p|br|div|span|strong|b|em|a|h\d)\b[^>]*>", re.IGNORECASE)


def article_object(root: HtmlElement) -> dict[str, Any] | None:
    """The first (News)Article object in the page's JSON-LD blocks, also inside @graph."""
    for script in root.iterfind(".//script"):
        if "ld+json" not in script.get("type", "").lower() or not script.text:
            continue
        data = _loads(script.text)
        for obj in _objects(data):
            if _is_article(obj):
                return obj
    return None


def body_lines(obj: dict[str, Any]) -> list[str]:
    """articleBody as lines: parsed as HTML when it holds markup, else split on newlines."""
    body = obj.get("articleBody")
    if isinstance(body, list):
        body = "\n".join(str(part) for part in body)
    if not isinstance(body, str) or not body.strip():
        return []
    return text_or_html_lines(body)


def text_or_html_lines(body: str) -> list[str]:
    """Lines of a body string that may be plain text, HTML, or HTML-escaped HTML."""
    if "&lt;" in body and _TAG.search(html.unescape(body)):
        body = html.unescape(body)
    if _TAG.search(body):
        fragment = parse_fragment(body)
        return [line.text for line in render_lines(fragment)] if fragment is not None else []
    return html.unescape(body).replace("\r", "\n").split("\n")


def string_field(obj: dict[str, Any], key: str) -> str | None:
    """A text field (headline, datePublished, author name), unescaped, or None."""
    value = obj.get(key)
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id")
    return html.unescape(value).strip() or None if isinstance(value, str) else None


def _loads(text: str) -> Any:
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):  # bad or absurdly deep JSON
        pass
    relaxed = _TRAILING_COMMA.sub(r"\1", _LINE_COMMENT.sub(lambda m: m.group(1) or "", text))
    try:
        return json.loads(relaxed, strict=False)
    except (ValueError, RecursionError):  # bad or absurdly deep JSON
        logger.debug("Unreadable JSON-LD block (%d characters)", len(text))
        return None


def _objects(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object in document order, nested ones too (@graph, mainEntity, hasPart …)."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, list | dict):
                yield from _objects(value, depth + 1)


def _is_article(obj: dict[str, Any]) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds)
