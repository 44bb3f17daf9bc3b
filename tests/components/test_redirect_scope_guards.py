"""The redirect guard and the scope middleware, built by get_crawler (no network)."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.crawl.redirects import SECRET_HEADERS, RedirectGuardMiddleware
from crawler.crawl.refusals import Refused, as_refusal, failure_reason
from crawler.crawl.scope_guard import ScopeMiddleware
from crawler.crawl.spiders.news import NewsSpider
from crawler.scope import registrable_domain, source_domains
from crawler.sources import Source
from tests.crawlers import newsmon_crawler

SECRETS = {name: "s3cret" for name in SECRET_HEADERS}


def _guard() -> RedirectGuardMiddleware:
    crawler = newsmon_crawler(spidercls=NewsSpider, services=False)
    return RedirectGuardMiddleware.from_crawler(crawler)


def _redirected(url: str, earlier: list[str]) -> Request:
    return Request(url, headers=SECRETS, meta={"redirect_urls": earlier})


@pytest.mark.parametrize(
    ("earlier", "url", "kept"),
    [
        ("https://api.example.kr/a", "https://api.example.kr/b", True),
        ("http://api.example.kr/a", "https://api.example.kr:8443/b", False),
        ("https://api.example.kr/a", "https://other.example/b", False),
        ("https://api.example.kr/a", "https://evil.api.example.kr/b", False),
    ],
    ids=["same-origin", "other-port", "other-host", "subdomain"],
)
def test_secret_headers_never_follow_a_redirect_to_another_origin(
    earlier: str, url: str, kept: bool
) -> None:
    request = _redirected(url, [earlier])
    _guard().process_request(request)
    for name in SECRET_HEADERS:
        assert (name in request.headers) is kept, name


def test_a_configured_secret_header_is_dropped_too() -> None:
    crawler = newsmon_crawler({"NEWSMON_SECRET_HEADERS": ["X-Api-Key"]}, NewsSpider, services=False)
    request = Request(
        "https://b.example/",
        headers={"X-Api-Key": "k"},
        meta={"redirect_urls": ["https://a.example/"]},
    )
    RedirectGuardMiddleware.from_crawler(crawler).process_request(request)
    assert "X-Api-Key" not in request.headers


def _answer(request: Request, location: str) -> Response:
    return Response(request.url, status=302, headers={"Location": location}, request=request)


def test_search_request_does_not_follow_another_host() -> None:
    request = Request("https://api.example.kr/v1?q=1", meta={"newsmon_kind": "search"})
    with pytest.raises(Refused) as caught:
        _guard().process_response(request, _answer(request, "https://evil.example/steal"))
    assert caught.value.reason == "cross_host_redirect" and not caught.value.permanent
    same = _answer(request, "/v2?q=1")
    assert _guard().process_response(request, same) is same


def test_redirect_loop_is_refused_for_good() -> None:
    request = Request("https://a.kr/b", meta={"redirect_urls": ["https://a.kr/a"]})
    with pytest.raises(Refused) as caught:
        _guard().process_response(request, _answer(request, "/a"))
    assert caught.value.reason == "redirect_loop" and caught.value.permanent


def test_registrable_domains() -> None:
    assert registrable_domain("news.kbs.co.kr") == "kbs.co.kr"
    assert registrable_domain("WWW.JNILBO.COM.") == "jnilbo.com"
    assert registrable_domain("127.0.0.1") == "127.0.0.1"
    assert registrable_domain("a.blogspot.com") == "a.blogspot.com"  # a private suffix
    source = Source(
        key="o", name="o", homepage="https://www.jnilbo.com/",
        feeds=("https://rss.jnilbo.com/all.xml",), extra_hosts=("cdn.jnilbo-media.kr",),
    )  # fmt: skip
    assert source_domains(source) == {"jnilbo.com", "jnilbo-media.kr"}


def test_scope_refuses_other_domains_of_an_outlet_only() -> None:
    outlet = Source(key="o", name="o", feeds=("https://www.jnilbo.com/rss",))
    crawler = newsmon_crawler(spidercls=NewsSpider, services=False)
    crawler.spider = NewsSpider(source=outlet)
    middleware = ScopeMiddleware.from_crawler(crawler)
    middleware.process_request(Request("https://m.jnilbo.com/news/1"))
    with pytest.raises(Refused) as caught:
        middleware.process_request(Request("https://other.co.kr/news/1"))
    assert caught.value.reason == "off_scope" and caught.value.permanent
    search = newsmon_crawler(spidercls=NewsSpider, services=False)
    search.spider = NewsSpider(source=Source(key="naver", name="n", search="naver"))
    ScopeMiddleware.from_crawler(search).process_request(Request("https://other.co.kr/news/1"))


def test_failure_reason_of_a_refusal_is_its_message() -> None:
    failure = Failure(Refused("too_large", "https://a.kr/x: 9 MB"))  # type: ignore[no-untyped-call]
    assert failure_reason(failure) == "too_large: https://a.kr/x: 9 MB"


def test_scrapy_refusals_are_named() -> None:
    big = as_refusal(DownloadCancelledError(""), "https://a.kr/x", 100)
    assert big is not None and big.reason == "too_large" and big.permanent
    hops = as_refusal(IgnoreRequest("max redirections reached"), "https://a.kr/x", 100)
    assert hops is not None and hops.reason == "too_many_redirects"
    assert as_refusal(IgnoreRequest("Forbidden by robots.txt"), "https://a.kr/x", 100) is None
