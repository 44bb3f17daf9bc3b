"""Article bodies held as script data: Arc XP globalContent, Next.js page data, RSC flight rows."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

from crawler.parsers.jsonld import text_or_html_lines

logger = logging.getLogger(__name__)

_ARC = re.compile(r"Fusion\.globalContent\s*=\s*")
_FLIGHT = re.compile(r"self\.__next_f\.push\(\s*")
_ROW_ID = re.compile(rb"([0-9a-fA-F]*):")
# Keys that hold an article body or headline in the state of Korean and international CMSs.
_BODY_KEYS = (
    "articleBody", "article_body", "body", "bodyHtml", "body_html", "content", "contents",
    "articleContent", "article_content", "newsContent", "news_content", "contentHtml", "html",
    "text", "story", "fullText", "__html",
)  # fmt: skip
_HEADLINE_KEYS = ("headline", "title", "articleTitle", "newsTitle", "subject", "name")
_ARC_TEXT_TYPES = frozenset({"text", "header"})
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_NOT_WORD = re.compile(r"[\s\W_]+")
_MIN_BODY = 100  # characters; less is a teaser or a caption, not an article body
_MAX_DEPTH = 60
_decoder = json.JSONDecoder(strict=False)


@dataclass(frozen=True)
class ScriptArticle:
    """Headline and paragraphs read from a page's script data, and which format held them."""

    headline: str | None
    lines: list[str]
    kind: str  # arcxp, nextjs, flight, json


def script_article(root: HtmlElement, headline: str | None = None) -> ScriptArticle | None:
    """The article in the page's script data, walking each format's structure."""
    return pick_article(script_articles(root), headline)


def pick_article(found: list[ScriptArticle], headline: str | None) -> ScriptArticle | None:
    """The longest article titled like the page's headline (a related story may be longer),
    else the longest of all."""
    if headline:
        page = _compact(headline)
        titled = [a for a in found if a.headline and _same_headline(_compact(a.headline), page)]
        found = titled or found
    return max(found, key=lambda a: _chars(a.lines), default=None)


def script_articles(root: HtmlElement) -> list[ScriptArticle]:
    """Every object holding an article body in the page's script data."""
    found: list[ScriptArticle] = []
    flight: list[str] = []
    for script in root.iterfind(".//script"):
        text = script.text
        if script.get("src") or not text:
            continue
        kind = script.get("type", "").lower()
        if script.get("id") == "__NEXT_DATA__":
            found.extend(_articles(_loads(text), "nextjs"))
        elif "json" in kind and "ld+json" not in kind:
            found.extend(_articles(_loads(text), "json"))
        elif "Fusion.globalContent" in text:
            found.extend(_articles(_value_after(text, _ARC), "arcxp"))
        elif "__next_f" in text:
            flight.extend(_flight_chunks(text))
    if flight:
        rows = _FlightRows("".join(flight))
        for value in rows.values:
            found.extend(_articles(value, "flight", rows.texts))
    return found


def is_state_script(script: HtmlElement) -> bool:
    """Scripts whose data this module reads by structure (the string fallback skips them)."""
    text = script.text or ""
    kind = script.get("type", "").lower()
    return (
        script.get("id") == "__NEXT_DATA__"
        or "json" in kind
        or "Fusion.globalContent" in text
        or "__next_f" in text
    )


def _loads(text: str) -> Any:
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):  # bad or absurdly deep JSON
        return None


def _value_after(text: str, marker: re.Pattern[str]) -> Any:
    """The JSON value that follows `marker` in a script (`Fusion.globalContent={…};`)."""
    match = marker.search(text)
    if match is None:
        return None
    try:
        return _decoder.raw_decode(text, match.end())[0]
    except (ValueError, RecursionError):  # bad or absurdly deep JSON
        logger.debug("Unreadable script data after %r", match.group(0))
        return None


def _flight_chunks(text: str) -> Iterator[str]:
    """The strings of `self.__next_f.push([1, "…"])` calls, in page order."""
    for match in _FLIGHT.finditer(text):
        try:
            value = _decoder.raw_decode(text, match.end())[0]
        except (ValueError, RecursionError):  # bad or absurdly deep JSON
            continue
        if isinstance(value, list) and len(value) >= 2 and value[0] == 1:
            yield from (value[1],) if isinstance(value[1], str) else ()


class _FlightRows:
    """React Server Component rows: `id:T<hexlen>,<text>` text rows and `id:<json>` rows."""

    def __init__(self, payload: str) -> None:
        self.texts: dict[str, str] = {}
        self.values: list[Any] = []
        data = payload.encode("utf-8")
        pos = 0
        while pos < len(data):
            match = _ROW_ID.match(data, pos)
            if match is None:  # not a row start: skip to the next line
                pos = _next_line(data, pos)
                continue
            row_id, pos = match.group(1).decode("ascii"), match.end()
            if data[pos : pos + 1] == b"T":
                comma = data.find(b",", pos)
                try:
                    length = int(data[pos + 1 : comma], 16)
                except (ValueError, RecursionError):  # bad or absurdly deep JSON
                    pos = _next_line(data, pos)
                    continue
                text = data[comma + 1 : comma + 1 + length].decode("utf-8", errors="replace")
                self.texts[row_id] = text
                pos = comma + 1 + length
                continue
            end = _next_line(data, pos)
            line = data[pos:end].decode("utf-8", errors="replace").lstrip("IHLE")
            if line[:1] in ("[", "{", '"'):
                value = _loads(line)
                if value is not None:
                    self.values.append(value)
            pos = end


def _next_line(data: bytes, pos: int) -> int:
    end = data.find(b"\n", pos)
    return len(data) if end < 0 else end + 1


def _articles(data: Any, kind: str, texts: dict[str, str] | None = None) -> Iterator[ScriptArticle]:
    """Every object in the data that holds an article body (the caller keeps the longest).

    A top-level article (Arc XP's globalContent is the story itself) is the only answer: the
    objects inside it are related stories and promos.
    """
    if isinstance(data, dict):
        top = _article(data, kind, texts or {})
        if top is not None:
            yield top
            return
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_DEPTH:
            continue
        if isinstance(node, list):
            stack.extend((item, depth + 1) for item in reversed(node))
        elif isinstance(node, dict):
            article = _article(node, kind, texts or {})
            if article is not None:
                yield article
            stack.extend((value, depth + 1) for value in node.values())


def _article(obj: dict[str, Any], kind: str, texts: dict[str, str]) -> ScriptArticle | None:
    elements = obj.get("content_elements")
    lines = _arc_lines(elements) if isinstance(elements, list) else _body_lines(obj, texts)
    if _chars(lines) < _MIN_BODY or not _HANGUL.search("".join(lines)):
        return None
    return ScriptArticle(_headline(obj, texts), lines, "arcxp" if elements else kind)


def _arc_lines(elements: list[Any]) -> list[str]:
    """Paragraphs and subheadings of Arc XP content elements, in order; media and embeds skipped."""
    lines: list[str] = []
    for element in elements:
        if isinstance(element, dict) and element.get("type") in _ARC_TEXT_TYPES:
            content = element.get("content")
            if isinstance(content, str) and content.strip():
                lines.extend(text_or_html_lines(content))
    return lines


def _body_lines(obj: dict[str, Any], texts: dict[str, str]) -> list[str]:
    for key in _BODY_KEYS:
        value = _resolve(obj.get(key), texts)
        if isinstance(value, str) and len(value) >= _MIN_BODY:
            return text_or_html_lines(value)
        if isinstance(value, list):
            parts = [_resolve(_block_text(item), texts) for item in value]
            strings = [part for part in parts if isinstance(part, str) and part.strip()]
            if strings and sum(map(len, strings)) >= _MIN_BODY:
                return [line for part in strings for line in text_or_html_lines(part)]
    return []


def _block_text(item: Any) -> Any:
    """A paragraph block's text: a string, or {"type": "paragraph", "text"/"content": …}."""
    if isinstance(item, dict):
        if str(item.get("type", "text")).lower() not in {"text", "paragraph", "p", "header"}:
            return None
        return item.get("text", item.get("content"))
    return item


def _headline(obj: dict[str, Any], texts: dict[str, str]) -> str | None:
    headlines = obj.get("headlines")
    if isinstance(headlines, dict) and isinstance(headlines.get("basic"), str):
        return headlines["basic"].strip() or None
    for key in _HEADLINE_KEYS:
        value = _resolve(obj.get(key), texts)
        if isinstance(value, str) and 4 <= len(value.strip()) <= 300:
            return value.strip()
    return None


def _resolve(value: Any, texts: dict[str, str]) -> Any:
    """A flight reference `$<id>` to a text row, replaced by the text."""
    if isinstance(value, str) and value.startswith("$") and value[1:] in texts:
        return texts[value[1:]]
    return value


def _compact(text: str) -> str:
    return _NOT_WORD.sub("", text).lower()


def _same_headline(candidate: str, page: str) -> bool:
    return bool(candidate) and (candidate == page or candidate in page or page in candidate)


def _chars(lines: list[str]) -> int:
    return sum(len(line) for line in lines)
