"""Pure: the next page of a listing page (rel=next, else the link to page N+1)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.htmlpage import parse_html

PAGE_PARAMS = ("page", "pg", "p", "pageno", "pageNo", "page_no", "cpage", "pageIndex")


def next_page_url(html: bytes | str, base_url: str) -> str | None:
    """The URL of the page after `base_url`, or None when none is linked.

    `<link rel=next>`/`<a rel=next>` win; otherwise a link that differs from this page only
    by a page parameter (PAGE_PARAMS) one higher than this page's (1 when it has none).
    """
    doc = parse_html(html)
    return None if doc is None else next_page_in(doc, base_url)


def next_page_in(doc: HtmlElement, base_url: str) -> str | None:
    """`next_page_url` on a page parsed already."""
    hrefs: list[tuple[str, str]] = [
        (el.get("rel") or "", el.get("href") or "") for el in doc.iter("a", "link")
    ]
    for rel, href in hrefs:
        if "next" in rel.lower().split() and href.strip():
            return urljoin(base_url, href.strip())
    wanted = _following(base_url)
    if wanted is None:
        return None
    for _, href in hrefs:
        url = urljoin(base_url, href.strip()).partition("#")[0]
        if href.strip() and _page_key(url) == wanted:
            return url
    return None


def _page_key(url: str) -> tuple[str, str, frozenset[tuple[str, str]], int] | None:
    """(host, path, other query parameters, page number) of a URL with a page parameter."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    pages = [value for name, value in params if name in PAGE_PARAMS]
    if len(pages) != 1 or not pages[0].isdigit():
        return None
    rest = frozenset((n, v) for n, v in params if n not in PAGE_PARAMS)
    return parts.netloc.lower(), parts.path, rest, int(pages[0])


def _following(url: str) -> tuple[str, str, frozenset[tuple[str, str]], int] | None:
    key = _page_key(url)
    if key is not None:
        return key[0], key[1], key[2], key[3] + 1
    parts = urlsplit(url)
    rest = frozenset(parse_qsl(parts.query, keep_blank_values=True))
    return parts.netloc.lower(), parts.path, rest, 2
