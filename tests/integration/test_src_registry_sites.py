"""Every built-in entry's feed/listing URLs, served by a fixture site of its CMS family, yield
its articles through the crawl's one discovery dispatch."""

from __future__ import annotations

import json
import re
from contextlib import ExitStack
from html import escape
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from crawler.discovery import read_discovery
from crawler.probes.fetch import HttpFetcher
from crawler.sources import BUILTIN_SOURCES, Source
from crawler.urls import canonical_url
from tests.discovery_sites import FamilySite, served
from tests.fixture_server import FixtureSite, serve
from tests.integration import harness
from tests.integration.harness import run_newsmon
from tests.sitegen import Article, article_page, rss_feed

EUC_KR_FAMILY = re.compile(r"article\.php|read\.php3")
# For this test only: a sample shaped by the pattern for an entry that gives none (none was
# seen), and one whose id is long enough to vary for an entry whose real sample's is short.
TEST_SAMPLES = {
    "jntoday": "https://www.jntoday.co.kr/news/article.html?no=123456",
    "jeonnam-gwangju": (
        "https://www.jeonnam-gwangju.go.kr/boardView.do?pageId=jngj22&boardId=JG_0000000003"
        "&seq=10078"
    ),
}
KIND_FIELDS = {"feed": "feeds", "listing": "listings", "api": "api_listings"}


def _articles(source: Source, count: int = 5) -> list[str]:
    """Article URLs shaped like the entry's sample: its last long number changed."""
    sample = TEST_SAMPLES.get(source.key, source.sample_article)
    last = list(re.finditer(r"\d{4,}", sample))[-1]
    width = len(last.group())
    return [
        sample[: last.start()] + str(int(last.group()) - i - 1).zfill(width) + sample[last.end() :]
        for i in range(count)
    ]


def _site(source: Source) -> FamilySite:
    site = FamilySite(source.key, source.homepage.replace("https://", "http://"))
    urls = _articles(source)
    encoding = "euc-kr" if EUC_KR_FAMILY.search(source.article_pattern or "") else "utf-8"
    for kind, url in source.discovery_urls:
        local = url.replace("https://", "http://")
        if kind == "feed":
            items = "".join(
                f"<item><title>t{i}</title><link>{escape(u)}</link></item>"
                for i, u in enumerate(urls)
            )
            site.add(
                local,
                f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>',
                "application/rss+xml",
            )
        elif kind == "api":
            site.add(local, _api_answer(source, urls), "application/json")
        else:
            # relative links, as the sites write them, in the family's encoding
            links = "".join(
                f'<li><a href="{escape(_relative(u))}">광주 기사</a></li>' for u in urls
            )
            html = (
                f'<html><head><meta charset="{encoding}"><title>목록</title></head><body>'
                f'<nav><a href="/">홈</a></nav><ul>{links}</ul></body></html>'
            )
            site.add(local, html.encode(encoding), "text/html")
    return site


def _api_answer(source: Source, urls: list[str], template: str = "") -> bytes:
    """A JSON answer shaped as the entry's API listing says: items at its path, each giving
    its URL in its field or in the fields its template is filled from."""
    spec = source.api_listing
    assert spec is not None
    template = template or spec.url_template
    items: list[dict[str, str]] = []
    for url in urls:
        if spec.url_field:
            items.append({spec.url_field: url})
            continue
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^&/]+)" for i, part in enumerate(parts)
        )
        found = re.fullmatch(regex, url)
        assert found, (template, url)
        items.append(found.groupdict())
    document: object = items
    for key in reversed([k for k in spec.items.split(".") if k]):
        document = {key: document}
    return json.dumps(document).encode()


def _local_template(source: Source, site: FixtureSite) -> str:
    """The entry's URL template with its scheme and host replaced by the fixture site's."""
    template = source.api_url_template
    parts = urlsplit(template)
    return site.base_url + template[len(f"{parts.scheme}://{parts.netloc}") :]


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("source", BUILTIN_SOURCES, ids=lambda s: s.key)
def test_entry_urls_served_by_a_family_site_yield_the_articles(source: Source) -> None:
    site = _site(source)
    with served(site) as resolve, HttpFetcher("newsmon-test", timeout=10, resolve=resolve) as f:
        for kind, url in source.discovery_urls:
            answer = f.fetch(url.replace("https://", "http://"))
            assert answer.ok, (url, answer.problem)
            found = read_discovery(
                kind, answer.body, answer.final_url, source.pattern, source.api_listing
            )
            links = [link.url for link in found.links]
            assert len(links) == 5, (kind, url, links)
            assert all(source.is_article_url(link) for link in links)
            ids = {re.findall(r"\d{4,}", canonical_url(link))[-1] for link in links}
            assert len(ids) == 5  # canonical forms keep every article's id


def _local_entry(source: Source, site: FixtureSite) -> str:
    """The entry's [[sources]] override pointing at `site`, which serves its family's pages."""
    urls = _articles(source)
    encoding = "euc-kr" if EUC_KR_FAMILY.search(source.article_pattern or "") else "utf-8"
    moved: dict[str, list[str]] = {field: [] for field in KIND_FIELDS.values()}
    template = _local_template(source, site) if source.api_url_template else ""
    for index, (kind, url) in enumerate(source.discovery_urls):
        path = f"/{kind}/{index}" + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        moved[KIND_FIELDS[kind]].append(site.url(path))
        if kind == "feed":
            feed = rss_feed(site.base_url, [_relative(u) for u in urls])
            site.add(path, feed, content_type="application/rss+xml")
        elif kind == "api":
            local = [site.base_url + _relative(u) for u in urls]
            site.add(path, _api_answer(source, local, template), content_type="application/json")
        else:
            links = "".join(f'<a href="{escape(_relative(u))}">광주 기사</a>' for u in urls)
            html = f'<html><head><meta charset="{encoding}"></head><body>{links}</body></html>'
            site.add(path, html.encode(encoding), content_type="text/html")
    for i, url in enumerate(urls):
        article = Article(
            idxno=i, headline=f"{source.name} 기사 {i}", paragraphs=("광주 본문.",) * 3
        )
        site.add(quote(_relative(url), safe="/?=&()%:;,+"), article_page(article))
    entry = (
        f'[[sources]]\nkey = "{source.key}"\nhomepage = ""\nsitemaps = []\n'
        f"feeds = {json.dumps(moved['feeds'])}\nlistings = {json.dumps(moved['listings'])}\n"
        f"api_listings = {json.dumps(moved['api_listings'])}\n"
    )
    if template:
        entry += f"api_url_template = {json.dumps(template)}\n"
    return entry


def test_a_crawl_of_every_entry_finds_its_articles(workdir: Path, database_url: str) -> None:
    with ExitStack() as stack:
        entries = []
        for source in BUILTIN_SOURCES:
            site = stack.enter_context(serve(FixtureSite()))
            entries.append(_local_entry(source, site))
        config = harness.write_config(
            workdir, database_url, '[topic]\nall = ["광주"]\n' + "\n".join(entries)
        )
        done = run_newsmon("crawl", "--config", str(config), "--json", cwd=workdir)
    assert done.returncode == 0, done.stderr
    reports = {report["key"]: report for report in json.loads(done.stdout)}
    assert set(reports) == {source.key for source in BUILTIN_SOURCES}
    for key, report in reports.items():
        assert (report["discovered"], report["fetched"]) == (5, 5), (key, report)
