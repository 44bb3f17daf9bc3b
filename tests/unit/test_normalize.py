"""Canonical URLs, KST date stamps, corpus text form and the content hash."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, datetime

import pytest

from crawler.dates import parse_kst
from crawler.text import content_hash, normalize_line, normalize_text
from crawler.timeutil import KST
from crawler.urls import canonical_url

# --- canonical_url -----------------------------------------------------------------------

JNILBO = "https://jnilbo.com/news/articleView.html?idxno=1"

# Every URL of a group names the same article and must canonicalise to the group's key.
SAME_ARTICLE = {
    JNILBO: [
        "http://m.jnilbo.com/news/articleView.html?idxno=1&utm_source=x#a",
        "https://www.jnilbo.com/news/articleView.html?idxno=1",
        "HTTPS://WWW.JNILBO.COM:443/news/articleView.html?idxno=1",
        "http://www.jnilbo.com:80/news/articleView.html?idxno=1&fbclid=abc&gclid=def",
        "https://mobile.jnilbo.com/news/articleView.html?utm_medium=sns&idxno=1&utm_campaign=c",
        "https://amp.jnilbo.com/news/articleView.html?idxno=1&amp=1",
        "https://www.jnilbo.com/news/amp/articleView.html?idxno=1",
        "https://www.jnilbo.com/news/articleView.html?outputType=amp&idxno=1",
        "  https://jnilbo.com/news/articleView.html?idxno=1  ",
    ],
    "https://news.kbs.co.kr/news/view.do?ncd=7645555": [
        "https://news.kbs.co.kr/news/view.do?ncd=7645555&ref=A",
        "http://m.news.kbs.co.kr/news/view.do?ncd=7645555#content",
    ],
    "https://n.news.example.com/article/001/0012345678?mode=LSD&oid=001&sid=102": [
        "https://n.news.example.com/article/001/0012345678?sid=102&oid=001&mode=LSD",
        "https://n.news.example.com/article/001/0012345678?sid=102&mode=LSD&oid=001&_ga=1",
    ],
    "https://example-gj.kr/article/2025/06/03/123": [
        "https://www.example-gj.kr/article/2025/06/03/123.amp",
        "https://www.example-gj.kr/article/2025/06/03/123/amp",
    ],
    "https://example-gj.kr/news/123.html": [
        "https://www.example-gj.kr/news/123.amp.html",
        "https://www.example-gj.kr/news/123.html?output=amp",
    ],
    "https://example-gj.kr/news/%EA%B4%91%EC%A3%BC?q=%EA%B4%91%EC%A3%BC": [
        "https://example-gj.kr/news/광주?q=광주",
        "https://example-gj.kr/news/%ea%b4%91%ec%a3%bc?q=%ea%b4%91%ec%a3%bc",
    ],
}
SAME_CASES = [(key, url) for key, urls in SAME_ARTICLE.items() for url in urls]


@pytest.mark.parametrize(("expected", "url"), SAME_CASES, ids=[u.strip() for _, u in SAME_CASES])
def test_canonical_url_folds_renderings_of_one_article(expected: str, url: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(
            "https://www.jnilbo.com/news/articleView.html?idxno=1",
            "https://www.jnilbo.com/news/articleView.html?idxno=2",
            id="idxno",
        ),
        pytest.param(
            "https://news.kbs.co.kr/news/view.do?ncd=1",
            "https://news.kbs.co.kr/news/view.do?ncd=2",
            id="ncd",
        ),
        pytest.param(
            "https://n.example.com/read?oid=001&aid=0001",
            "https://n.example.com/read?oid=001&aid=0002",
            id="aid",
        ),
        pytest.param("https://a.kr/view?no=1", "https://a.kr/view?no=1&id=2", id="extra-id"),
        pytest.param("https://a.kr/news/", "https://a.kr/news", id="trailing-slash-kept"),
        pytest.param("https://a.kr/x?q=%B1%A4", "https://a.kr/x?q=%EA%B4%91", id="euc-kr-vs-utf8"),
        pytest.param("https://a.kr:8080/x", "https://a.kr/x", id="non-default-port"),
        pytest.param("https://news.a.kr/x", "https://a.kr/x", id="subdomain-kept"),
    ],
)
def test_canonical_url_keeps_what_tells_articles_apart(first: str, second: str) -> None:
    assert canonical_url(first) != canonical_url(second)


def test_canonical_url_keeps_euc_kr_escapes_byte_exact() -> None:
    # parse_qsl would decode these bytes as UTF-8 and mangle them into U+FFFD.
    assert canonical_url("http://www.a.kr/s?cat=%B1%A4%C1%D6") == "https://a.kr/s?cat=%B1%A4%C1%D6"


@pytest.mark.parametrize(
    "url",
    [
        "mailto:desk@jnilbo.com",
        "javascript:void(0)",
        "/news/articleView.html?idxno=1",
        "http://a.kr:99999/x",
        "http://[::1/x",
    ],
    ids=["mailto", "javascript", "relative", "bad-port", "broken-ipv6"],
)
def test_canonical_url_leaves_non_web_urls_alone(url: str) -> None:
    assert canonical_url(url) == url


@pytest.mark.parametrize(
    "host", ["m.com", "www.kr", "mobile.net"], ids=["m.com", "www.kr", "mobile.net"]
)
def test_canonical_url_keeps_a_two_label_host(host: str) -> None:
    assert canonical_url(f"http://{host}/a") == f"https://{host}/a"


def test_canonical_url_keeps_ipv6_brackets() -> None:
    assert canonical_url("http://[::1]:8080/a?id=1#x") == "https://[::1]:8080/a?id=1"


@pytest.mark.parametrize("url", [url for _, url in SAME_CASES], ids=[u for _, u in SAME_CASES])
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


# --- parse_kst ---------------------------------------------------------------------------


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


KST_CASES = [
    ("2025.06.03 17:42", utc(2025, 6, 3, 8, 42), "dotted"),
    ("입력 2025.02.06 (19:08)", utc(2025, 2, 6, 10, 8), "parenthesised-time"),
    ("입력 : 2025-06-03 17:42", utc(2025, 6, 3, 8, 42), "label-colon"),
    ("기사입력 2025-06-03 17:42 최종수정 2025-06-04 09:00", utc(2025, 6, 3, 8, 42), "first-of-two"),
    ("2025년 03월 28일(금) 15:40", utc(2025, 3, 28, 6, 40), "korean-weekday"),
    ("2025년 3월 28일 금요일 15:40", utc(2025, 3, 28, 6, 40), "korean-weekday-bare"),
    ("2025.03.28 (Fri) 15:40", utc(2025, 3, 28, 6, 40), "english-weekday"),
    ("2025-12-06T16:43:04+09:00", utc(2025, 12, 6, 7, 43, 4), "iso-offset"),
    ("2025-12-06T07:43:04Z", utc(2025, 12, 6, 7, 43, 4), "iso-zulu"),
    ("2025-12-06T16:43:04.123+09:00", utc(2025, 12, 6, 7, 43, 4), "iso-fraction"),
    ("2025-12-06 16:43:04 +0900", utc(2025, 12, 6, 7, 43, 4), "space-offset"),
    ("Thu, 28 Aug 2026 14:57:04 +0900", utc(2026, 8, 28, 5, 57, 4), "rfc822-kst-offset"),
    ("Thu, 28 Aug 2026 05:57:04 GMT", utc(2026, 8, 28, 5, 57, 4), "rfc822-gmt"),
    ("Thu, 28 Aug 2026 14:57:04 KST", utc(2026, 8, 28, 5, 57, 4), "rfc822-kst-name"),
    ("2026-08-28 14:57:04", utc(2026, 8, 28, 5, 57, 4), "naive-is-kst"),
    ("2026.08.28", utc(2026, 8, 27, 15, 0), "date-only"),
    ("2025.06.03 오후 3:05", utc(2025, 6, 3, 6, 5), "pm-korean"),
    ("2025.06.03 오전 12:30", utc(2025, 6, 2, 15, 30), "am-midnight"),
    ("2025.06.03 오후 12:30", utc(2025, 6, 3, 3, 30), "pm-noon"),
    ("2025년 6월 3일 오후 3시 5분", utc(2025, 6, 3, 6, 5), "pm-si-bun"),
    ("2025. 6. 3. 오후 3:05:12", utc(2025, 6, 3, 6, 5, 12), "spaced-dots-pm"),
    ("2025-06-03 3:05 PM", utc(2025, 6, 3, 6, 5), "pm-after"),
    ("2025/06/03 15:05", utc(2025, 6, 3, 6, 5), "slashes"),
    ("\u00a02025.06.03\u00a017:42 ", utc(2025, 6, 3, 8, 42), "nbsp"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[:2] for c in KST_CASES], ids=[c[2] for c in KST_CASES]
)
def test_parse_kst(text: str, expected: datetime) -> None:
    parsed = parse_kst(text)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() is not None and parsed.tzinfo == UTC


@pytest.mark.parametrize(
    "text",
    [None, "", "   ", "garbage", "입력", "오후 3:05", "15:40", "2025-02-30 10:00", "Aug 2026", "3"],
    ids=[
        "none",
        "empty",
        "blank",
        "garbage",
        "label-only",
        "time-only-pm",
        "time-only",
        "impossible-day",
        "no-day",
        "bare-number",
    ],
)
def test_parse_kst_refuses_incomplete_dates(text: str | None) -> None:
    assert parse_kst(text) is None


def test_kst_is_seoul() -> None:
    assert datetime(2025, 1, 1, tzinfo=KST).utcoffset() == utc(2025, 1, 1, 9) - utc(2025, 1, 1)


# --- text --------------------------------------------------------------------------------

HANGUL = "광주광역시 전남도청"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("가\r\n나\r다\n", "가\n나\n다", id="crlf-and-cr"),
        pytest.param("가\u00a0\u00a0나", "가 나", id="nbsp"),
        pytest.param("가\u3000나", "가 나", id="ideographic-space"),
        pytest.param("가\u200b나\ufeff다\u00ad", "가나다", id="zero-width"),
        pytest.param(
            "\ufeff첫 줄\n\n\n  \n둘째 줄  \n", "첫 줄\n둘째 줄", id="bom-and-blank-lines"
        ),
        pytest.param("가\t\t나", "가 나", id="tabs"),
        pytest.param("가\u2028나\u2029다", "가\n나\n다", id="unicode-line-separators"),
        pytest.param("", "", id="empty"),
        pytest.param(unicodedata.normalize("NFD", HANGUL), HANGUL, id="nfd-hangul"),
    ],
)
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


def test_normalize_text_composes_jamo_split_by_invisible_characters() -> None:
    decomposed = "\u200b".join(unicodedata.normalize("NFD", "광"))
    result = normalize_text(decomposed)
    assert result == "광"
    assert unicodedata.is_normalized("NFC", result)


def test_normalize_text_is_idempotent_and_nfc() -> None:
    messy = unicodedata.normalize(
        "NFD", "\r\n  광주\u00a0 FC,\u200b 코리아컵\u3000준우승 \r\n\r\n끝"
    )
    once = normalize_text(messy)
    assert once == "광주 FC, 코리아컵 준우승\n끝"
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


def test_normalize_line_strips_and_folds() -> None:
    assert normalize_line("  a \u00a0\t b  ") == "a b"


@pytest.mark.parametrize(
    "text", ["", "abc", "광주 FC\n준우승"], ids=["empty", "ascii", "hangul-two-lines"]
)
def test_content_hash_is_sha256_of_utf8(text: str) -> None:
    assert content_hash(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert len(content_hash(text)) == 64


def test_content_hash_is_stable_for_the_nfc_form() -> None:
    nfd = unicodedata.normalize("NFD", HANGUL)
    assert content_hash(normalize_text(nfd)) == content_hash(normalize_text(HANGUL))


@pytest.mark.parametrize(
    "separator",
    ["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"],
)
def test_every_line_separator_inside_a_line_becomes_a_space(separator: str) -> None:
    assert normalize_line(f" 광주{separator}인공지능 {separator} 사업 ") == "광주 인공지능 사업"


def test_normalize_line_folds_no_unit_separator_inside_a_line() -> None:
    # U+001F is no space to the fold, though str.split() takes it for one (strip() does too).
    assert normalize_line("a \x1f  b\x1fc") == "a \x1f b\x1fc"
    assert normalize_line(" a\x1fb \x1f ") == "a\x1fb"
