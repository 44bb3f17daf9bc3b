"""Pure: decode a page's bytes (declared or sniffed encoding, EUC-KR included), parse it once."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree
from lxml.html import HtmlElement
from w3lib.encoding import html_to_unicode

# lxml refuses str input that still declares an encoding.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def decode_page(body: bytes | str, content_type: str | None = None) -> str:
    """The text of a page: its Content-Type charset, else its <meta> charset, else sniffed."""
    return body if isinstance(body, str) else html_to_unicode(content_type, body)[1]


def parse_html(
    body: bytes | str, content_type: str | None = None, parser: etree.HTMLParser | None = None
) -> HtmlElement | None:
    """The lxml tree of a page, or None when it is empty or cannot be parsed; `parser`: another
    than lxml.html's (extraction's leaner one)."""
    text = _XML_DECLARATION.sub("", decode_page(body, content_type), count=1)
    if not text or text.isspace():  # as `not text.strip()`, without copying the page
        return None
    try:
        return lxml.html.document_fromstring(text, parser=parser or lxml.html.html_parser)
    except (etree.ParserError, ValueError):
        return None
