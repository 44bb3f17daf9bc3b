"""The head-only meta-refresh check answers what Scrapy's whole-page one does."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.response import get_meta_refresh
from scrapy.utils.test import get_crawler

from crawler.crawl.meta_refresh import HEAD_CHARS, HeadMetaRefreshMiddleware, meta_refresh

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "korean-news" / "pages"
URL = "http://news.example.kr/news/articleView.html?idxno=7"
REFRESH = '<meta http-equiv="refresh" content="0; url=/m/view.html?idxno=7">'
KOREAN = "광주 국가 AI 컴퓨팅센터 유치 확정 " * 40


def page(
    head: str = "", body: str = KOREAN, encoding: str = "utf-8", charset: bool = True
) -> HtmlResponse:
    declared = f'<meta charset="{encoding}">' if charset else ""
    text = f"<html><head>{declared}{head}</head><body><p>{body}</p></body></html>"
    return HtmlResponse(URL, body=text.encode(encoding), request=Request(URL))


def cases() -> list[HtmlResponse]:
    padding = "<!-- " + "가" * HEAD_CHARS + " -->"
    return [
        page(),
        page(REFRESH),
        page('<meta http-equiv="Refresh" content="5;URL=\'http://m.example.kr/a\'">'),
        page('<base href="http://cdn.example.kr/dir/">' + REFRESH),
        page(f"<noscript>{REFRESH}</noscript>"),
        page(f"<script>var a = '{REFRESH}';</script>"),
        page(REFRESH, encoding="euc-kr"),
        page(REFRESH, encoding="cp949", charset=False),
        page(padding + REFRESH),  # past the first 4096 characters: Scrapy ignores it too
        page("<title>" + "나" * (HEAD_CHARS - 60) + "</title>" + REFRESH),
        HtmlResponse(URL, body=b"\xef\xbb\xbf" + page(REFRESH).body, request=Request(URL)),
        HtmlResponse(URL, body=b"", request=Request(URL)),
        HtmlResponse(URL, body=b"\xff\xfe\x00<garbage" * 3000, request=Request(URL)),
    ]


@pytest.mark.parametrize("index", range(len(cases())))
def test_same_answer_as_scrapy(index: int) -> None:
    ours, theirs = cases()[index], cases()[index]
    assert meta_refresh(ours) == get_meta_refresh(theirs)


def test_every_fixture_page_gets_scrapys_answer() -> None:
    pages = sorted(PAGES.glob("*.html"))
    assert pages
    for path in pages:
        body = path.read_bytes()
        ours = HtmlResponse(URL, body=body, request=Request(URL))
        theirs = HtmlResponse(URL, body=body, request=Request(URL))
        assert meta_refresh(ours) == get_meta_refresh(theirs), path.name


def test_a_refresh_is_found_and_made_absolute() -> None:
    assert meta_refresh(page(REFRESH)) == (0.0, "http://news.example.kr/m/view.html?idxno=7")
    assert meta_refresh(page()) == (None, None)


def test_the_whole_body_is_never_decoded() -> None:
    response = page(REFRESH, body=KOREAN * 50)
    meta_refresh(response)
    assert getattr(response, "_cached_ubody", None) is None  # Scrapy's cache of .text


def middleware() -> HeadMetaRefreshMiddleware:
    return HeadMetaRefreshMiddleware.from_crawler(
        get_crawler(settings_dict={"METAREFRESH_MAXDELAY": 100})
    )


def test_middleware_follows_a_refresh_like_scrapys() -> None:
    request = Request(URL)
    redirected = middleware().process_response(request, page(REFRESH))
    assert isinstance(redirected, Request)
    assert redirected.url == "http://news.example.kr/m/view.html?idxno=7"
    assert redirected.meta["redirect_urls"] == [URL]


def test_middleware_leaves_other_responses_alone() -> None:
    plain = page()
    assert middleware().process_response(Request(URL), plain) is plain
    slow = page('<meta http-equiv="refresh" content="500; url=/later">')
    assert middleware().process_response(Request(URL), slow) is slow
    kept = page(REFRESH)
    assert middleware().process_response(Request(URL, meta={"dont_redirect": True}), kept) is kept
    text = TextResponse(URL, body=REFRESH.encode(), encoding="utf-8", request=Request(URL))
    assert middleware().process_response(Request(URL), text) is text
