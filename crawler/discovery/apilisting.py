"""Pure: a JSON listing (an API answer whose items give article URLs) -> article links.

Sites that render their listing pages by script (KBS's local news) fill them from an API;
its answer is the listing. ``ApiListing`` says where the items are (a dotted path such as
``data`` or ``result.items``; empty for a top-level array), and how an item gives its URL:
a field holding it (``url_field``, relative URLs resolve against the answer's URL) or a
template filled from the item's fields (``url_template``, e.g.
``https://news.kbs.co.kr/news/view.do?ncd={newsCode}``). An optional ``date_field`` gives each
link its date. Items without what is needed are skipped; an answer that is not JSON, or has no
list where the items should be, is a ``DiscoveryError``.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crawler.dates import parse_kst
from crawler.discovery.links import DiscoveryError, Link, _http_url, _unique_links
from crawler.discovery.payload import _gunzip

_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class ApiListing:
    """How to read one API's answer: where its items are and how an item gives its URL."""

    items: str = ""
    url_field: str = ""
    url_template: str = ""
    date_field: str = ""

    def __post_init__(self) -> None:
        if bool(self.url_field) == bool(self.url_template):
            raise ValueError("an API listing needs exactly one of url_field and url_template")
        if self.url_template:
            names = [name for _, name, _, _ in string.Formatter().parse(self.url_template) if name]
            if not names:
                raise ValueError(f"url_template {self.url_template!r} names no item field")


def parse_api_listing(
    body: bytes, base_url: str, spec: ApiListing, pattern: re.Pattern[str] | None = None
) -> list[Link]:
    """Article links of a JSON answer, in answer order, unique, kept when they match
    ``pattern`` (all of them when it is None)."""
    data = _gunzip(body) if body.startswith(_GZIP_MAGIC) else body
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DiscoveryError(f"API listing is not JSON: {exc}") from exc
    items = _at(document, spec.items)
    if not isinstance(items, list):
        where = spec.items or "the top level"
        raise DiscoveryError(f"API listing has no list of items at {where}")
    links = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        url = _http_url(base_url, _item_url(item, spec))
        if url is None or (pattern is not None and not pattern.search(url)):
            continue
        published = parse_kst(_text(_at(item, spec.date_field))) if spec.date_field else None
        links.append(Link(url=url, published_at=published))
    return _unique_links(links)


def _at(document: Any, path: str) -> Any:
    """The value at a dotted path ("data", "result.items"); None where the path breaks."""
    value = document
    for key in filter(None, path.split(".")):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _item_url(item: Mapping[str, Any], spec: ApiListing) -> str | None:
    if spec.url_field:
        return _text(_at(item, spec.url_field))
    values = {key: _text(value) for key, value in item.items()}
    try:
        return spec.url_template.format_map(_Strict(values))
    except KeyError:
        return None


def _text(value: Any) -> str | None:
    """A scalar as text (ids come as numbers or strings); None for anything else or empty."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        return str(value).strip() or None
    return None


class _Strict(dict[str, str | None]):
    """Template values: a missing or empty field fails the item instead of writing 'None'."""

    def __getitem__(self, key: str) -> str:
        value = super().get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __missing__(self, key: str) -> str:
        raise KeyError(key)
