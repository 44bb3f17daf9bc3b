"""Pure entry-point discovery: links of a page, same-site tests, candidate URLs, URL patterns."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import lxml.html
import tldextract
from lxml import etree
from w3lib.encoding import html_to_unicode

MAX_LINKS = 5000  # links read from one page: a real front page has a few hundred
MIN_ARTICLES = 3  # fewer links of one shape are not evidence of an article pattern
MIN_WILDCARD_VALUES = 3  # distinct words at one path position before it becomes [^/]+
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_MENU_WORDS = re.compile(r"menu|gnb|lnb|nav|categor|section|allmenu|sitemap", re.IGNORECASE)
_LISTING_WORDS = re.compile(
    r"list|section|sec\.|sec/|sub|categor|cate|index|local|board|realtime|desk|news", re.I
)
_NOT_PAGES = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|css|js|pdf|zip|hwp|mp4|mp3|ico|xml)$|^/?(?:javascript|mailto)",
    re.IGNORECASE,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DIGITS = re.compile(r"\d+")
_DATE = re.compile(r"^(?:19|20)\d{2}-\d{2}-\d{2}$")
_WORD = re.compile(r"^[A-Za-z_.~-]+$")
_IGNORED_PARAMS = re.compile(r"^(?:utm_\w+|fbclid|gclid|ref|from|sns|share)$", re.IGNORECASE)
_LEADING_WILDCARDS = re.compile(r"^(?:/\[\^/\]\+)+(?=/)")
WILDCARD = "[^/]+"

# The Public Suffix List snapshot shipped with tldextract: never fetched at run time.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@dataclass(frozen=True)
class Anchor:
    """A link of a page: absolute URL, its text and whether it sits in a menu."""

    url: str
    text: str
    in_menu: bool


@dataclass(frozen=True)
class PageLinks:
    """What one HTML page offers to discovery."""

    anchors: tuple[Anchor, ...]
    feeds: tuple[str, ...]  # <link rel="alternate"> RSS/Atom/RDF URLs
    title: str
    forward: str | None = None  # a <meta refresh> target or the first <frame>/<iframe> page


@dataclass(frozen=True)
class PatternGuess:
    """The inferred article URL pattern and the links that support it."""

    regex: str
    matches: tuple[str, ...]
    clusters: int  # link shapes that were compared


@lru_cache(maxsize=4096)
def site_of(host: str) -> str:
    """The registrable domain of a host ('news.ikbc.co.kr' -> 'ikbc.co.kr'); IPs stay as is."""
    host = host.lower().rstrip(".")
    return _EXTRACT(host).top_domain_under_public_suffix or host


def url_site(url: str) -> str:
    return site_of(urlsplit(url).hostname or "")


def bare_domain(host: str) -> str:
    """The host without 'www.'/'m.' (where ndsoft puts 'cdn.')."""
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix) :]
    return host


def page_links(body: bytes, base_url: str, content_type: str | None = None) -> PageLinks:
    """Links, feed <link>s and the title of an HTML page in any encoding (EUC-KR included)."""
    text = html_to_unicode(content_type, body)[1]
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return PageLinks((), (), "")
    try:
        doc = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return PageLinks((), (), "")
    base_href = next((el.get("href") for el in doc.iter("base") if el.get("href")), None)
    base = urljoin(base_url, base_href.strip()) if base_href else base_url
    # a set of the elements themselves: it keeps lxml's proxies (and their identity) alive
    menus = {el for el in doc.iter() if _is_menu(el)}
    anchors: dict[str, Anchor] = {}
    for element in doc.iter("a", "area"):
        url = absolute(base, element.get("href"))
        if url is None or url in anchors:
            continue
        if len(anchors) >= MAX_LINKS:
            break
        in_menu = any(parent in menus for parent in element.iterancestors())
        anchors[url] = Anchor(url, " ".join(_text(element).split())[:80], in_menu)
    feeds = [
        _feed_url(base, el.get("href"))
        for el in doc.iter("link")
        if "alternate" in (el.get("rel") or "").lower()
        and (el.get("type") or "").lower().strip() in _FEED_TYPES
    ]
    title = next((" ".join(_text(el).split()) for el in doc.iter("title")), "")
    forward = _forward(doc, base)
    return PageLinks(tuple(anchors.values()), tuple(u for u in feeds if u), title, forward)


_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.IGNORECASE)


def _forward(doc: etree._Element, base: str) -> str | None:
    """Where an old-style front page sends the visitor: meta refresh, else its first frame."""
    for meta in doc.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "refresh":
            match = _REFRESH.search(meta.get("content") or "")
            if match:
                return absolute(base, match.group(1).strip())
    for frame in doc.iter("frame", "iframe"):
        url = absolute(base, frame.get("src"))
        if url is not None and url_site(url) == url_site(base):
            return url
    return None


def _feed_url(base: str, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    url = urljoin(base, href.strip()).partition("#")[0]
    return url if url.startswith(("http://", "https://")) else None


def _text(element: etree._Element) -> str:
    return "".join(str(part) for part in element.itertext())


def _is_menu(element: etree._Element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("nav", "header"):
        return True
    marks = f"{element.get('class') or ''} {element.get('id') or ''}"
    return bool(marks.strip()) and _MENU_WORDS.search(marks) is not None


def absolute(base: str, href: str | None) -> str | None:
    """`href` resolved against `base` without its fragment, if it is an http(s) page URL."""
    if not href:
        return None
    href = re.sub(r"[\t\n\r]", "", href.strip())
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    try:
        url = urljoin(base, href).partition("#")[0]
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if _NOT_PAGES.search(parts.path):
        return None
    return url


def same_site(urls: Iterable[str], sites: set[str]) -> list[str]:
    """The URLs whose registrable domain is one of `sites`, in order."""
    return [url for url in urls if url_site(url) in sites]


def feed_guesses(homepage: str) -> list[str]:
    """Where the common CMSs publish a feed when no <link> says so (most likely first)."""
    parts = urlsplit(homepage)
    origin = f"{parts.scheme}://{parts.netloc}"
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    cdn = f"{parts.scheme}://cdn.{bare_domain(host)}{port}"
    guesses = [
        f"{cdn}/rss/gn_rss_allArticle.xml",  # newer ndsoft
        f"{origin}/rss/allArticle.xml",  # older ndsoft
        f"{origin}/rss",
        f"{origin}/feed",
        f"{origin}/rss.xml",
    ]
    return guesses if not _is_ip(host) else [g for g in guesses if "//cdn." not in g]


def sitemap_guesses(homepage: str) -> list[str]:
    parts = urlsplit(homepage)
    origin = f"{parts.scheme}://{parts.netloc}"
    return [f"{origin}/sitemap.xml", f"{origin}/sitemap_news.xml"]


def robots_sitemaps(robots_txt: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt."""
    found = []
    for line in robots_txt.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "sitemap" and value.strip().startswith("http"):
            found.append(value.strip())
    return list(dict.fromkeys(found))


def _is_ip(host: str) -> bool:
    return bool(re.fullmatch(r"[\d.]+|\[?[0-9a-fA-F:]+\]?", host))


def listing_candidates(
    anchors: Sequence[Anchor], sites: set[str], skip: re.Pattern[str] | None, homepage: str
) -> list[str]:
    """Same-site links worth fetching as listing pages: menu links first, list-like words next."""
    ranked = []
    for order, anchor in enumerate(anchors):
        if url_site(anchor.url) not in sites or anchor.url.rstrip("/") == homepage.rstrip("/"):
            continue
        if skip is not None and skip.search(anchor.url):
            continue
        path = urlsplit(anchor.url)
        wordy = _LISTING_WORDS.search(path.path + "?" + path.query) is not None
        ranked.append((not anchor.in_menu, not wordy, order, anchor.url))
    return [url for *_, url in sorted(ranked)]


# --- the article URL pattern ---------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    raw: str
    shape: str  # the generalised regex of this position
    kind: str  # "id" (a long number), "num", "date" (always generalised), "word", "text"


def _token(raw: str, after_year: bool = False) -> _Token:
    text = unquote(raw)
    if not text.isascii():
        return _Token(raw, WILDCARD, "text")
    if _DATE.match(text):
        return _Token(raw, r"\d{4}-\d{2}-\d{2}", "date")
    if re.fullmatch(r"(?:19|20)\d{2}", text) or (after_year and re.fullmatch(r"\d{1,2}", text)):
        return _Token(raw, r"\d+", "date")  # /2024/10/07/: a date in the path, never fixed
    if _WORD.match(text):
        return _Token(raw, re.escape(text), "word")
    runs = _DIGITS.findall(text)
    if not runs:
        return _Token(raw, WILDCARD, "text")
    shape = "".join(
        r"\d+" if part.isdigit() else re.escape(part) for part in re.split(r"(\d+)", text) if part
    )
    # zero-padded codes (bcd=0001) are menu codes, not ids: count significant digits
    longest = max(len(run.lstrip("0")) for run in runs)
    return _Token(raw, shape, "id" if longest >= 4 else "num")


_Shape = tuple[tuple[_Token, ...], tuple[tuple[str, _Token], ...]]


def _tokens(url: str) -> _Shape | None:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _IGNORED_PARAMS.match(k)
    ]
    if not segments and not query:
        return None
    path: list[_Token] = []
    for segment in segments:
        token = _token(segment, after_year=bool(path) and path[-1].kind == "date")
        if token.kind != "text" or path:  # a leading Korean category path is not structure
            path.append(token)
    return tuple(path), tuple((key, _token(value)) for key, value in query)


def _group_key(shape: _Shape) -> tuple[object, ...]:
    path, query = shape
    return (
        tuple("*" if t.kind == "word" else t.shape for t in path),
        tuple((k, "*" if t.kind == "word" else t.shape) for k, t in query),
    )


def infer_pattern(urls: Iterable[str]) -> PatternGuess | None:
    """The article URL pattern: the largest group of same-shaped links that carry a varying
    long numeric id (at least MIN_ARTICLES distinct links), as a regex for re.search."""
    groups: dict[tuple[object, ...], list[tuple[str, _Shape]]] = defaultdict(list)
    for url in dict.fromkeys(urls):
        shape = _tokens(url)
        if shape is not None:
            groups[_group_key(shape)].append((url, shape))
    clusters: dict[str, list[str]] = defaultdict(list)
    for members in groups.values():
        for regex, cluster in _split(members).items():
            clusters[regex].extend(cluster)
    best: tuple[int, int, str] | None = None
    for regex, found in clusters.items():
        count = len(set(found))
        if count >= MIN_ARTICLES and (best is None or (count, len(regex)) > best[:2]):
            best = (count, len(regex), regex)
    if best is None:
        return None
    chosen = [best[2], *_siblings(best[2], clusters)]
    matches = tuple(dict.fromkeys(url for regex in chosen for url in clusters[regex]))
    return PatternGuess("|".join(chosen), matches, len(clusters))


_ID_PARAM = re.compile(r"\?\(\?:\[\^#\]\*&\)\?(\w+)=\\d\+$")


def _siblings(best: str, clusters: dict[str, list[str]]) -> list[str]:
    """Other link shapes with the same id parameter (article.php?aid= and the older
    read.php3?aid=): one site's two article forms, kept with as few as two links."""
    key = _ID_PARAM.search(best)
    if key is None:
        return []
    name = key.group(1)
    widths = _id_widths(clusters[best], name)
    return [
        regex
        for regex, found in clusters.items()
        if regex != best
        and len(set(found)) >= 2
        and (match := _ID_PARAM.search(regex)) is not None
        and match.group(1) == name
        # ids of one numbering (a 19-digit aid in both forms), not a gallery's short ones
        and _id_widths(found, name) <= widths
    ]


def _id_widths(urls: list[str], name: str) -> set[int]:
    found = (re.search(rf"[?&]{re.escape(name)}=(\d+)", url) for url in urls)
    return {len(match.group(1)) for match in found if match}


def _split(members: list[tuple[str, _Shape]]) -> dict[str, list[str]]:
    """One shape group -> {regex: urls}: path words with many values become wildcards, the
    others split the group; only sub-groups whose long id varies make a pattern."""
    path_values = [{shape[0][i].raw for _, shape in members} for i in range(len(members[0][1][0]))]
    subgroups: dict[tuple[str, ...], list[tuple[str, _Shape]]] = defaultdict(list)
    for url, (path, query) in members:
        pieces = tuple(_piece(tok, len(path_values[i])) for i, tok in enumerate(path))
        words = tuple(f"{k}={t.raw}" if t.kind == "word" else k for k, t in query)
        subgroups[(*pieces, "?", *words)].append((url, (path, query)))
    out: dict[str, list[str]] = {}
    for key, group in subgroups.items():
        regex = _id_regex(key[: key.index("?")], group)
        if regex is not None:
            # A category word or Korean segment in front varies: re.search needs the tail.
            out.setdefault(_LEADING_WILDCARDS.sub("", regex), []).extend(u for u, _ in group)
    return out


def _id_regex(pieces: tuple[str, ...], group: list[tuple[str, _Shape]]) -> str | None:
    """The group's regex if some position holds long numbers that differ, else None."""

    def varying_id(tokens: list[_Token]) -> bool:
        return len({t.raw for t in tokens}) > 1 and any(t.kind == "id" for t in tokens)

    width = len(group[0][1][0])
    id_in_path = any(varying_id([s[0][i] for _, s in group]) for i in range(width))
    query = group[0][1][1]
    id_param = next(
        (
            f"{re.escape(key)}={tok.shape}"
            for i, (key, tok) in enumerate(query)
            if varying_id([s[1][i][1] for _, s in group])
        ),
        None,
    )
    if not (id_in_path or id_param):
        return None
    regex = "/" + "/".join(pieces)
    # Only the id parameter is required: sites reorder and add the others.
    return regex + (r"\?(?:[^#]*&)?" + id_param if id_param else "")


def _piece(token: _Token, distinct: int) -> str:
    if token.kind == "text" or (token.kind == "word" and distinct >= MIN_WILDCARD_VALUES):
        return WILDCARD
    if token.kind == "date" or (token.kind in ("id", "num") and distinct > 1):
        return token.shape
    return re.escape(unquote(token.raw))
