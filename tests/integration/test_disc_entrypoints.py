"""Entry-point discovery against fixture sites of each CMS family, served on 127.0.0.1."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from crawler.probes.discover import Discovery, discover_site
from crawler.probes.fetch import HttpFetcher
from tests.discovery_sites import FAMILIES, FamilySite, error_page, ndsoft, served
from tests.fixture_server import FixtureSite, serve
from tests.integration.harness import run_newsmon, write_config


def _discover(site: FamilySite) -> tuple[Discovery, dict[str, str]]:
    with served(site) as resolve, HttpFetcher("newsmon-test", timeout=10, resolve=resolve) as f:
        return discover_site(site.homepage, f), resolve


def _check_pattern(site: FamilySite, result: Discovery) -> None:
    assert result.article_pattern is not None, result.reasons
    regex = re.compile(result.article_pattern)
    assert all(regex.search(url) for url in site.articles), result.article_pattern
    assert not any(regex.search(url) for url in site.others), result.article_pattern
    assert len(result.samples) == 3 and all(s in site.articles for s in result.samples)


@pytest.mark.parametrize(
    "family", ["ndsoft", "ndsoft-cdn", "aid-euckr", "aid-m-redirect", "aspnet", "article-view"]
)
def test_each_cms_family_yields_its_entry_points(family: str) -> None:
    site = FAMILIES[family]()
    result, _ = _discover(site)
    assert result.found
    _check_pattern(site, result)
    assert set(result.feeds) == site.feeds
    front = {site.front_listing} if site.front_listing else set()
    assert result.listings and set(result.listings) <= site.listings | front
    # the front page links articles no section links: it is a listing, asked first
    assert (result.listings[0] == result.final_url) == bool(front)
    assert set(result.sitemaps) <= site.sitemaps


def test_site_without_feed_yields_listings_and_says_feeds_were_refused() -> None:
    site = FAMILIES["aid-euckr"]()
    result, _ = _discover(site)
    assert result.feeds == [] and len(result.listings) == 4  # the front page and 3 sections
    refused = [a for a in result.tried if a.kind == "feed"]
    assert refused and not any(a.kept for a in refused)
    reasons = {a.url: a.reason for a in refused}
    assert reasons["http://www.aid-fixture.co.kr/rss/allArticle.xml"] == "HTTP 404"
    assert reasons["http://cdn.aid-fixture.co.kr/rss/gn_rss_allArticle.xml"] == "HTTP 404"


def test_homepage_redirecting_to_m_host_is_followed() -> None:
    site = FAMILIES["aid-m-redirect"]()
    result, _ = _discover(site)
    assert result.final_url == "http://m.aid-fixture.co.kr/"
    assert all(url.startswith("http://m.aid-fixture.co.kr/") for url in result.listings)


def test_three_hundred_foreign_links_are_ignored() -> None:
    site = FAMILIES["300-foreign"]()
    result, _ = _discover(site)
    everything = json.dumps(result.as_dict())
    assert "example" not in everything
    _check_pattern(site, result)
    assert result.fetches <= 24


def test_five_megabyte_homepage_is_cut_not_refused() -> None:
    site = FAMILIES["5mb-homepage"]()
    result, _ = _discover(site)
    home = result.tried[0]
    assert home.kind == "homepage" and "cut at the byte limit" in home.reason
    _check_pattern(site, result)


def test_error_page_says_nothing_found_with_reasons() -> None:
    result, _ = _discover(error_page())
    assert not result.found
    assert result.reasons[0] == "homepage http://www.broken-fixture.co.kr/: HTTP 500"
    assert result.reasons[-1].startswith("nothing found")
    assert result.as_dict()["toml"] is None


def test_front_page_is_the_listing_when_no_section_qualifies(
    workdir: Path, database_url: str
) -> None:
    site = FAMILIES["front-only"]()
    result, resolve = _discover(site)
    assert result.listings == [site.front_listing]
    _check_pattern(site, result)
    sections = {a.url: a.reason for a in result.tried if "/news/list.php" in a.url}
    assert sections and set(sections.values()) == {"only 2 article links"}
    kept = next(a for a in result.tried if a.kind == "listing" and a.kept)
    assert kept.reason == "the homepage itself: 10 article links"
    # the suggested entry, crawled: the articles linked from the front page alone are found
    host = site.hosts["www.front-fixture.co.kr"]
    with serve(host) as local:
        entry = (
            f'[[sources]]\nkey = "front"\nlistings = ["{local.url("/")}"]\n'
            f"article_pattern = {json.dumps(result.article_pattern)}\n"
        )
        config = write_config(workdir, database_url, entry)
        done = run_newsmon("crawl", "--config", str(config), "--json", cwd=workdir)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)[0]
    assert (report["discovered"], report["fetched"]) == (10, 10)
    assert resolve


def test_robots_txt_is_obeyed() -> None:
    site = ndsoft()
    site.add("http://www.nd-fixture.co.kr/robots.txt", "User-agent: *\nDisallow: /\n", "text/plain")
    result, _ = _discover(site)
    assert not result.found
    assert result.tried[0].reason == "disallowed by robots.txt"
    host = site.hosts["www.nd-fixture.co.kr"]
    assert host.requested() == ["/robots.txt"]


def test_cli_discover_prints_a_ready_entry_and_json(workdir: Path, database_url: str) -> None:
    fixture = FixtureSite()
    family = ndsoft()
    for path, page in family.hosts["www.nd-fixture.co.kr"].routes.items():
        body = page.body.replace(b"http://www.nd-fixture.co.kr", b"")
        fixture.add(path, page.__class__(body, page.content_type, page.status))
    with serve(fixture) as local:
        config = write_config(workdir, database_url, "")
        args = ("sources", "discover", local.url("/"), "--config", str(config))
        plain = run_newsmon(*args, cwd=workdir)
        as_json = run_newsmon(*args, "--json", cwd=workdir)
    assert plain.returncode == 0, plain.stderr
    entry = tomllib.loads(plain.stdout[plain.stdout.index("[[sources]]") :])["sources"][0]
    assert entry["feeds"] == [local.url("/rss/allArticle.xml")]
    assert re.search(entry["article_pattern"], entry["sample_article"])
    data = json.loads(as_json.stdout)
    assert data["found"] and data["feeds"] == entry["feeds"]
    assert {"kind", "url", "kept", "reason"} <= set(data["tried"][0])
