"""Pure: discovery bytes made safe to read (gzip bombs, entities, UTF-16) and sniffed by kind."""

from __future__ import annotations

import logging
import re
import zlib
from typing import Literal

from crawler.discovery.links import DiscoveryError

logger = logging.getLogger(__name__)

# The sitemap protocol caps an uncompressed sitemap at 50 MB; more is a decompression bomb.
MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 64 * 1024
_MARKUP_NOISE = re.compile(r"<!--.*?-->|<\?.*?\?>|<![^>]*>", re.DOTALL)
_FIRST_TAG = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_FEED_ROOTS = frozenset({"rss", "rdf", "feed"})
_SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})


def _utf16_codec(data: bytes) -> str | None:
    """The UTF-16/32 codec a document is in (by BOM or by NUL bytes around '<'), else None."""
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "utf-32"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    if data[:2] == b"<\x00":
        return "utf-16-le"
    if data[:2] == b"\x00<":
        return "utf-16-be"
    return None


def _gunzip(data: bytes, limit: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """Inflate a gzip body, refusing one that would expand past `limit` bytes."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise DiscoveryError(f"corrupt gzip body: {exc}") from exc
    if len(out) > limit or inflater.unconsumed_tail:
        raise DiscoveryError(f"gzip body expands past {limit} bytes (decompression bomb)")
    if not inflater.eof and not out:
        raise DiscoveryError("truncated gzip body inflates to nothing")
    if not inflater.eof:
        logger.warning("Gzip body is truncated; using the %d bytes it inflates to", len(out))
    return out


def _refuse_entities(data: bytes) -> None:
    """Refuse any document declaring entities: billion laughs and XXE both need one."""
    codec = _utf16_codec(data)
    text = data.decode(codec, errors="replace").encode("utf-8") if codec else data
    if b"<!ENTITY" in text:
        raise DiscoveryError("document declares XML entities (entity expansion / XXE refused)")


def _prepare_xml(body: bytes) -> bytes:
    """Inflate, refuse entity declarations and drop whitespace before the XML declaration."""
    data = _gunzip(body) if body.startswith(_GZIP_MAGIC) else body
    if not data or data.isspace():
        raise DiscoveryError("empty body")
    _refuse_entities(data)
    # PHP/JSP feeds often emit blank lines before '<?xml', which XML parsers reject.
    return data if _utf16_codec(data) else data.lstrip()


def root_name(data: bytes) -> str:
    """The lower-cased local name of the document's first element ('' when there is none).

    Read from the bytes (comments, processing instructions and DOCTYPE skipped), so what a
    document is does not depend on when a streaming parser reports its first event.
    """
    codec = _utf16_codec(data)
    text = data[:_SNIFF_BYTES].decode(codec or "latin-1", errors="replace")
    match = _FIRST_TAG.search(_MARKUP_NOISE.sub("", text))
    return match.group(1).lower() if match else ""


def detect_kind(body: bytes) -> Literal["feed", "sitemap", "html"]:
    """Sniff what a discovery URL returned from its root element; anything else is 'html'."""
    head = body[: _SNIFF_BYTES * 4]
    if head.startswith(_GZIP_MAGIC):
        # Only the head is inflated, so a bomb costs at most _SNIFF_BYTES here.
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, _SNIFF_BYTES)
        except zlib.error:
            return "html"
    root = root_name(head)
    if root in _FEED_ROOTS:
        return "feed"
    if root in _SITEMAP_ROOTS:
        return "sitemap"
    return "html"
