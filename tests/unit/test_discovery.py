"""Discovery over stored bytes: feeds, sitemaps, listing pages and sniffing."""

from __future__ import annotations

import gzip
import io
import logging
import re
import tracemalloc
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.discovery import (
    MAX_DECOMPRESSED_BYTES,
    DiscoveryError,
    Link,
    SitemapResult,
    detect_kind,
    parse_feed,
    parse_listing,
    parse_sitemap,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
FEEDS = FIXTURES / "feeds"
HANION = FIXTURES / "korean-news" / "feeds" / "01_hanion.xml"
GJ = "https://www.example-gj.kr"
GJ_ARTICLE = GJ + "/news/articleView.html?idxno="


def read(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def gzipped(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


# --- feeds: the real stored feed ---------------------------------------------------------


def test_real_hanion_feed_yields_its_five_articles_with_kst_dates() -> None:
    links = parse_feed(HANION.read_bytes(), "http://www.hanion.co.kr/rss/clickTop.xml")
    assert [link.url.rsplit("=", 1)[1] for link in links] == [
        "38809",
        "38814",
        "38812",
        "38820",
        "38821",
    ]
    assert all(
        link.url.startswith("http://www.hanion.co.kr/news/articleView.html?idxno=")
        for link in links
    )
    # <pubDate>2026-08-28 14:57:04</pubDate> has no zone: it is KST, not UTC as feedparser assumes.
    assert links[0].published_at == datetime(2026, 8, 28, 5, 57, 4, tzinfo=UTC)
    assert links[-1].published_at == datetime(2026, 8, 29, 1, 41, 55, tzinfo=UTC)
    assert links[0].title == "승리와 고립, 핵관의 장막에 갇힌 자"
    assert all(link.title and "\r" not in link.title for link in links)


def test_real_hanion_feed_also_parses_gzipped() -> None:
    body = HANION.read_bytes()
    assert parse_feed(gzipped(body), "http://www.hanion.co.kr/") == parse_feed(
        body, "http://www.hanion.co.kr/"
    )


# --- feeds: synthetic formats ------------------------------------------------------------

FEED_CASES = [
    pytest.param(
        "rss2_mixed.xml",
        [
            GJ_ARTICLE + "101",
            GJ_ARTICLE + "102",
            GJ_ARTICLE + "103",
            GJ_ARTICLE + "104",
            GJ_ARTICLE + "105",
        ],
        id="rss2-relative-duplicate-linkless",
    ),
    pytest.param(
        "rss1_rdf.xml",
        [
            "https://news.example-jn.kr/view.do?ncd=7001",
            "https://news.example-jn.kr/view.do?ncd=7002",
        ],
        id="rss1-rdf",
    ),
    pytest.param(
        "atom.xml",
        [
            "https://blog.example-mokpo.kr/posts/2025/06/festival.html",
            "https://blog.example-mokpo.kr/posts/2025/06/airport.html",
        ],
        id="atom-xml-base",
    ),
    pytest.param(
        "rss2_euckr.xml",
        [
            "http://www.example-euckr.co.kr/news/articleView.html?idxno=5001",
            "http://www.example-euckr.co.kr/news/articleView.html?idxno=5002",
        ],
        id="rss2-euc-kr",
    ),
    pytest.param(
        "rss2_entity_soup.xml",
        [
            "https://www.example-soup.kr/news/articleView.html?idxno=7&sc=1",
            "https://www.example-soup.kr/news/articleView.html?idxno=8",
        ],
        id="rss2-entity-soup-crlf",
    ),
    pytest.param("rss2_empty.xml", [], id="rss2-no-items"),
]


@pytest.mark.parametrize(("name", "expected"), FEED_CASES)
def test_parse_feed_urls(name: str, expected: list[str]) -> None:
    assert [link.url for link in parse_feed(read(name), GJ + "/rss/allArticle.xml")] == expected


def test_parse_feed_reads_every_date_shape_as_the_same_instant() -> None:
    links = parse_feed(read("rss2_mixed.xml"), GJ + "/rss/allArticle.xml")
    instant = datetime(2026, 8, 28, 5, 57, 4, tzinfo=UTC)
    # RFC 822 +0900, RFC 822 GMT, zone-less (KST) and dc:date with offset.
    assert [link.published_at for link in links[:4]] == [instant] * 4
    assert links[4].published_at is None


def test_parse_feed_titles_are_normalised() -> None:
    links = parse_feed(read("rss2_mixed.xml"), GJ + "/")
    assert links[0] == Link(
        url=GJ_ARTICLE + "101", published_at=links[0].published_at, title="광주시, 버스 노선 개편"
    )
    assert links[1].title == "전남도 & 광주시 협약"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(
            "rss1_rdf.xml", datetime(2025, 6, 3, 9, 0, tzinfo=UTC), id="rdf-naive-dc-date"
        ),
        pytest.param("atom.xml", datetime(2025, 6, 2, 1, 0, tzinfo=UTC), id="atom-updated-offset"),
        pytest.param(
            "rss2_euckr.xml", datetime(2025, 6, 3, 9, 5, tzinfo=UTC), id="euc-kr-korean-pm"
        ),
    ],
)
def test_parse_feed_second_item_date(name: str, expected: datetime) -> None:
    assert parse_feed(read(name), GJ + "/")[1].published_at == expected


def test_parse_feed_euc_kr_titles_are_decoded() -> None:
    assert [link.title for link in parse_feed(read("rss2_euckr.xml"), GJ + "/")] == [
        "나주 혁신도시 소식",
        "담양 대나무 축제",
    ]


def test_truncated_feed_keeps_complete_items_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="crawler.discovery"):
        links = parse_feed(read("rss2_truncated.xml"), "https://www.example-cut.kr/rss")
    assert [link.url[-1] for link in links] == ["1", "2"]
    assert links[0].published_at == datetime(2026, 1, 1, 18, 4, 5, tzinfo=UTC)
    assert any("malformed" in record.getMessage() for record in caplog.records)


def test_real_feed_cut_mid_item_keeps_the_items_before_the_cut() -> None:
    body = HANION.read_bytes()
    cut = body[: body.index(b"idxno=38820") + 5]
    links = parse_feed(cut, "http://www.hanion.co.kr/")
    assert [link.url.rsplit("=", 1)[1] for link in links] == ["38809", "38814", "38812"]


NOT_FEEDS = [
    pytest.param(b"", "empty", id="empty"),
    pytest.param(b" \r\n\t", "empty", id="whitespace"),
    pytest.param(read("error_page.html"), "not a feed", id="html-error-page"),
    pytest.param(b"\x00\x01\x02garbage\xff", "not a feed", id="binary-garbage"),
    pytest.param(b'{"items": []}', "not a feed", id="json"),
    pytest.param(read("sitemap_urlset.xml"), "not a feed", id="sitemap"),
    pytest.param(
        read("rss2_cut_before_items.xml"), "without a complete item", id="cut-before-items"
    ),
    pytest.param(read("billion_laughs.xml"), "entities", id="billion-laughs"),
    pytest.param(read("xxe.xml"), "entities", id="xxe"),
    pytest.param(b"\x1f\x8bnot really gzip", "gzip", id="corrupt-gzip"),
]


@pytest.mark.parametrize(("body", "reason"), NOT_FEEDS)
def test_parse_feed_refuses(body: bytes, reason: str) -> None:
    with pytest.raises(DiscoveryError, match=reason):
        parse_feed(body, GJ + "/rss")


# --- entity bombs ------------------------------------------------------------------------

BOMB = read("billion_laughs.xml")
PARSERS: list[tuple[str, Callable[[bytes, str], object]]] = [
    ("feed", parse_feed),
    ("sitemap", parse_sitemap),
]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(BOMB, id="utf-8"),
        pytest.param(
            BOMB.decode().replace('"?>', '" encoding="UTF-16"?>', 1).encode("utf-16"), id="utf-16"
        ),
        pytest.param(gzipped(BOMB), id="gzip"),
        pytest.param(b"\n\n  " + BOMB, id="leading-whitespace"),
    ],
)
@pytest.mark.parametrize("parse", [p for _, p in PARSERS], ids=[n for n, _ in PARSERS])
def test_billion_laughs_is_refused_without_expanding(
    body: bytes, parse: Callable[[bytes, str], object]
) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(DiscoveryError, match="entities"):
            parse(body, GJ + "/")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Expanded, &lol9; is 3 GB of text; refusing it must cost about the size of the document.
    assert peak < 1_000_000


def test_xxe_entity_never_reaches_the_result() -> None:
    with pytest.raises(DiscoveryError, match="XXE"):
        parse_sitemap(read("xxe.xml"), GJ + "/sitemap.xml")


def test_gzip_bomb_is_refused() -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    parts = [compressor.compress(chunk) for _ in range(MAX_DECOMPRESSED_BYTES // len(chunk) + 2)]
    bomb = b"".join([*parts, compressor.flush()])
    assert len(bomb) < 200_000
    with pytest.raises(DiscoveryError, match="bomb"):
        parse_sitemap(bomb, GJ + "/sitemap.xml.gz")


# --- sitemaps ----------------------------------------------------------------------------


def test_parse_sitemap_urlset() -> None:
    result = parse_sitemap(read("sitemap_urlset.xml"), GJ + "/sitemap.xml")
    assert result.sitemaps == ()
    assert [link.url for link in result.articles] == [
        GJ_ARTICLE + "201",
        GJ_ARTICLE + "202",
        GJ_ARTICLE + "203",
    ]
    assert [link.published_at for link in result.articles] == [
        datetime(2025, 6, 3, 8, 42, tzinfo=UTC),
        datetime(2025, 6, 2, 15, 0, tzinfo=UTC),  # a bare date is midnight KST
        datetime(2025, 6, 3, 9, 0, tzinfo=UTC),
    ]
    assert all(link.title is None for link in result.articles)


def test_parse_sitemap_google_news_prefers_publication_date_and_title() -> None:
    result = parse_sitemap(read("sitemap_news.xml"), GJ + "/sitemap-news.xml")
    assert result == SitemapResult(
        articles=(
            Link(
                GJ_ARTICLE + "301", datetime(2025, 6, 3, 8, 42, tzinfo=UTC), "광주 신규 노선 개통"
            ),
            Link(GJ_ARTICLE + "302", datetime(2025, 6, 3, 9, 30, tzinfo=UTC), "전남 도의회 & 예산"),
        ),
        sitemaps=(),
    )


def test_parse_sitemap_gzip_equals_plain() -> None:
    plain = parse_sitemap(read("sitemap_news.xml"), GJ + "/")
    assert parse_sitemap(read("sitemap_news.xml.gz"), GJ + "/") == plain
    assert len(plain.articles) == 2


def test_parse_sitemap_index_lists_children_resolved_and_unique() -> None:
    result = parse_sitemap(read("sitemap_index.xml"), GJ + "/sitemap.xml")
    assert result.articles == ()
    assert result.sitemaps == (GJ + "/sitemap/news.xml", GJ + "/sitemap/2025-06.xml.gz")


def test_parse_sitemap_truncated_keeps_complete_entries(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="crawler.discovery"):
        result = parse_sitemap(read("sitemap_truncated.xml"), "https://www.example-cut.kr/")
    assert [link.url for link in result.articles] == [
        "https://www.example-cut.kr/a/1",
        "https://www.example-cut.kr/a/2",
    ]
    assert any("malformed" in record.getMessage() for record in caplog.records)


def test_parse_sitemap_empty_urlset_is_empty() -> None:
    assert parse_sitemap(read("sitemap_empty.xml"), GJ + "/") == SitemapResult((), ())


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(read("rss2_mixed.xml"), "not a sitemap", id="rss"),
        pytest.param(read("error_page.html"), "not a sitemap", id="html"),
        pytest.param(b"garbage", "without a complete entry", id="garbage"),
        pytest.param(
            b'<?xml version="1.0"?><urlset><url><loc>https://a.kr/1', "without", id="cut-in-first"
        ),
        pytest.param(b"\x1f\x8b\x08\x00garbage", "gzip", id="corrupt-gzip"),
    ],
)
def test_parse_sitemap_refuses(body: bytes, reason: str) -> None:
    with pytest.raises(DiscoveryError, match=reason):
        parse_sitemap(body, GJ + "/sitemap.xml")


class _EagerErrorIterparse:
    """An iterparse that raises the document's first syntax error before any event.

    lxml 6.1 yields the root's start event before a parse error in <head>; 6.2 raises first.
    The refusal reason must not depend on which.
    """

    def __init__(self, source: io.BytesIO, **_: object) -> None:
        from lxml import etree

        etree.fromstring(source.getvalue())  # raises XMLSyntaxError on a broken document
        raise AssertionError("the fixture was expected to be malformed XML")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(read("error_page.html"), "not a sitemap (root element <html>)", id="html"),
        pytest.param(b"<!DOCTYPE html><!-- x --><HTML><head><meta></head>", "<html>", id="upper"),
        pytest.param(read("rss2_mixed.xml"), "not a sitemap (root element <rss>)", id="rss"),
    ],
)
def test_sitemap_refusal_is_decided_from_the_bytes(
    monkeypatch: pytest.MonkeyPatch, body: bytes, reason: str
) -> None:
    from lxml import etree

    monkeypatch.setattr(etree, "iterparse", _EagerErrorIterparse)
    with pytest.raises(DiscoveryError, match=re.escape(reason)):
        parse_sitemap(body, GJ + "/sitemap.xml")


@pytest.mark.parametrize(
    ("body", "root"),
    [
        pytest.param(read("error_page.html"), "html", id="html"),
        pytest.param(read("sitemap_urlset.xml"), "urlset", id="urlset"),
    ],
)
def test_feed_refusal_names_the_root_element(body: bytes, root: str) -> None:
    with pytest.raises(DiscoveryError, match=re.escape(f"not a feed: root element <{root}>")):
        parse_feed(body, GJ + "/rss")


# --- listing pages -----------------------------------------------------------------------

ARTICLE_PATTERN = r"articleView\.html\?idxno=\d+"
LISTING_URL = GJ + "/news/articleList.html?sc_section_code=S1N1"


def test_parse_listing_resolves_base_drops_fragments_and_dedupes() -> None:
    assert parse_listing(read("listing.html"), LISTING_URL, ARTICLE_PATTERN) == [
        GJ_ARTICLE + "401",
        GJ_ARTICLE + "402",
        GJ_ARTICLE + "403&sc=2",
        GJ_ARTICLE + "404",
        GJ_ARTICLE + "407",
    ]


@pytest.mark.parametrize(
    "html",
    [
        pytest.param(read("listing.html"), id="bytes"),
        pytest.param(read("listing.html").decode(), id="str"),
    ],
)
@pytest.mark.parametrize(
    "pattern",
    [ARTICLE_PATTERN, re.compile(ARTICLE_PATTERN)],
    ids=["str-pattern", "compiled-pattern"],
)
def test_parse_listing_accepts_bytes_str_and_compiled_patterns(
    html: bytes | str, pattern: str | re.Pattern[str]
) -> None:
    assert len(parse_listing(html, LISTING_URL, pattern)) == 5


def test_parse_listing_only_returns_http_links() -> None:
    urls = parse_listing(read("listing.html"), LISTING_URL, r".")
    assert urls
    assert all(url.startswith(("http://", "https://")) for url in urls)
    assert GJ + "/news/articleList.html?page=2" in urls


def test_parse_listing_euc_kr_page_keeps_escapes() -> None:
    assert parse_listing(
        read("listing_euckr.html"), "http://www.example-euckr.co.kr/", r"/news/view\.php"
    ) == [
        "http://www.example-euckr.co.kr/news/view.php?no=9001&cat=%B1%A4%C1%D6",
        "http://www.example-euckr.co.kr/news/view.php?no=9002",
    ]


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        pytest.param("HTTPS://b.kr/a?idxno=1", "HTTPS://b.kr/a?idxno=1", id="upper-case-scheme"),
        pytest.param("\n  /a?\tidxno=2\n", "https://a.kr/a?idxno=2", id="whitespace-in-href"),
        pytest.param("ftp://a.kr/a?idxno=3", None, id="ftp"),
        pytest.param("data:text/html,idxno=4", None, id="data"),
    ],
)
def test_parse_listing_href_forms(href: str, expected: str | None) -> None:
    html = f'<html><body><a href="{href}">x</a></body></html>'
    assert parse_listing(html, "https://a.kr/list", "idxno") == ([expected] if expected else [])


def test_parse_listing_without_base_uses_the_page_url() -> None:
    html = (
        '<?xml version="1.0" encoding="utf-8"?><html><body><a href="a?idxno=1">x</a></body></html>'
    )
    assert parse_listing(html, "https://a.kr/news/list", "idxno") == ["https://a.kr/news/a?idxno=1"]


@pytest.mark.parametrize("html", [b"", "   \n"], ids=["empty-bytes", "blank-str"])
def test_parse_listing_refuses_an_empty_page(html: bytes | str) -> None:
    with pytest.raises(DiscoveryError, match="empty"):
        parse_listing(html, GJ + "/", ARTICLE_PATTERN)


# --- detect_kind -------------------------------------------------------------------------

KIND_CASES = [
    ("rss2_mixed.xml", "feed"),
    ("rss1_rdf.xml", "feed"),
    ("atom.xml", "feed"),
    ("rss2_euckr.xml", "feed"),
    ("rss2_truncated.xml", "feed"),
    ("billion_laughs.xml", "feed"),
    ("sitemap_urlset.xml", "sitemap"),
    ("sitemap_index.xml", "sitemap"),
    ("sitemap_news.xml.gz", "sitemap"),
    ("xxe.xml", "sitemap"),
    ("listing.html", "html"),
    ("listing_euckr.html", "html"),
    ("error_page.html", "html"),
]


@pytest.mark.parametrize(("name", "kind"), KIND_CASES, ids=[name for name, _ in KIND_CASES])
def test_detect_kind_of_fixtures(name: str, kind: str) -> None:
    assert detect_kind(read(name)) == kind


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        pytest.param(HANION.read_bytes(), "feed", id="real-hanion"),
        pytest.param(b"<!-- <urlset> --><rss version='2.0'/>", "feed", id="comment-first"),
        pytest.param("<?xml version='1.0'?><feed/>".encode("utf-16"), "feed", id="utf-16"),
        pytest.param(gzipped(read("rss2_mixed.xml")), "feed", id="gzip-feed"),
        pytest.param(b"", "html", id="empty"),
        pytest.param(b'{"a": 1}', "html", id="json"),
        pytest.param(b"\x1f\x8b junk", "html", id="corrupt-gzip"),
    ],
)
def test_detect_kind_sniffs(body: bytes, kind: str) -> None:
    assert detect_kind(body) == kind
