"""Hostile and broken sites against the real `newsmon crawl`: secrets, scope, bombs, loops, TLS."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fixture_server import FixtureSite, Page, serve
from tests.integration import harness
from tests.integration.harness import corpus_files, run_newsmon
from tests.integration.invariants import assert_corpus_invariants
from tests.integration.site_articles import ON_TOPIC_1, ON_TOPIC_2
from tests.sitegen import Article, article_page, rss_feed

pytestmark = pytest.mark.integration
NAVER_KEYS = {"NEWSMON_NAVER_CLIENT_ID": "id-1", "NEWSMON_NAVER_CLIENT_SECRET": "secret-1"}
API = "/v1/search/news.json"
NAVER_JSON = Path(__file__).resolve().parent.parent / "fixtures" / "search" / "naver_news.json"
TOPIC = '[topic]\nall = ["광주"]\nany = ["AI", "인공지능"]\n'
ELSEWHERE = Article(
    idxno=301,
    headline="광주 AI 스타트업 투자 유치 잇따라",
    paragraphs=(
        "광주 지역 인공지능 스타트업들이 잇따라 투자를 유치하고 있다.",
        "광주시는 AI 기업 지원 예산을 늘려 창업 생태계를 키우겠다고 밝혔다.",
        "업계는 내년에도 광주 AI 분야 투자가 이어질 것으로 내다봤다.",
    ),
)


class HeaderLog(FixtureSite):
    """A fixture site that also keeps the headers of every request it answered."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[tuple[str, dict[str, str]]] = []

    def record(self, path: str, page: Page, headers: dict[str, str]) -> None:
        super().record(path, page, headers)
        with self.lock:
            self.headers.append((path, headers))


def redirect(location: str) -> Page:
    return Page(b"", "text/html", status=302, headers=(("Location", location),))


def elsewhere(site: FixtureSite, path: str) -> str:
    """The same loopback server under another host name: another site as far as a URL says."""
    port = urlsplit(site.base_url).port
    return f"http://localhost:{port}{path}"


def crawl(
    workdir: Path, config: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    result = run_newsmon("crawl", "--config", str(config), "--json", cwd=workdir, env=env)
    assert result.stdout, result.stderr
    (report,) = json.loads(result.stdout)
    return result, report


def test_search_credentials_never_reach_another_host(workdir: Path, database_url: str) -> None:
    api, thief = HeaderLog(), HeaderLog()
    with serve(api), serve(thief):
        body = NAVER_JSON.read_text(encoding="utf-8").replace("{BASE}", api.base_url)
        for article in (ON_TOPIC_1, ON_TOPIC_2):
            api.add(article.path, article_page(article))
        # one query answers from another path of its own host (followed, keys kept) ...
        api.add(
            f"{API}?query=%EA%B4%91%EC%A3%BC+AI&display=100&start=1&sort=date",
            redirect(api.url("/v2/moved?q=ai")),
        )
        api.add("/v2/moved?q=ai", Page(body.encode()))
        # ... the other sends the client to a host that would love to see the secret
        api.add(
            f"{API}?query=%EA%B4%91%EC%A3%BC+%EC%9D%B8%EA%B3%B5%EC%A7%80%EB%8A%A5"
            "&display=100&start=1&sort=date",
            redirect(thief.url("/steal")),
        )
        config = harness.write_config(
            workdir,
            database_url,
            TOPIC + f'[[sources]]\nkey = "naver"\nsearch_url = "{api.url(API)}"\n',
        )
        result, report = crawl(workdir, config, NAVER_KEYS)
        assert thief.requested() == [], "a search request followed a redirect to another host"
        moved = [h for p, h in api.headers if p == "/v2/moved?q=ai"]
        assert moved and moved[0].get("x-naver-client-secret") == "secret-1"
    assert report["added"] == 2, result.stderr
    assert "cross_host_redirect" in result.stderr
    assert "secret-1" not in result.stderr + result.stdout
    assert_corpus_invariants(workdir, config)


def _outlet(site: FixtureSite, extra: str = "") -> str:
    urls = f'homepage = "{site.url("/")}"\nfeeds = ["{site.url("/rss")}"]\n'
    return f'[[sources]]\nkey = "outlet"\n{urls}{extra}'


def test_outlet_fetches_only_its_own_hosts_and_remembers_the_rest(
    workdir: Path, database_url: str
) -> None:
    with serve(FixtureSite()) as site:
        site.add(ON_TOPIC_1.path, article_page(ON_TOPIC_1))
        site.add(ON_TOPIC_2.path, redirect(elsewhere(site, "/moved/2")))  # redirect off site
        site.add("/moved/2", article_page(ON_TOPIC_2))
        site.add(ELSEWHERE.path, article_page(ELSEWHERE))
        items = [
            site.url(ON_TOPIC_1.path),
            site.url(ON_TOPIC_2.path),
            elsewhere(site, ELSEWHERE.path),
        ]
        site.add("/rss", rss_feed("", items), content_type="application/rss+xml")
        config = harness.write_config(workdir, database_url, TOPIC + _outlet(site))
        result, report = crawl(workdir, config)
        assert result.returncode == 0, result.stderr
        assert (report["added"], report["off_scope"]) == (1, 2), result.stderr
        assert site.requested("/moved/") == [] and site.requested(ELSEWHERE.path) == []
        # the outlet's own URL was fetched once; its off-site answer is remembered
        assert site.requested(ON_TOPIC_2.path) == [ON_TOPIC_2.path]
        site.clear_log()
        _, report = crawl(workdir, config)
        assert (report["added"], report["off_scope"], report["skipped_known"]) == (0, 0, 3)
        assert site.requested() == ["/rss"] or site.requested() == ["/robots.txt", "/rss"]
    stored = [(workdir / "corpus" / n).read_text(encoding="utf-8") for n in corpus_files(workdir)]
    assert ON_TOPIC_1.text in stored and ELSEWHERE.text not in stored
    assert_corpus_invariants(workdir, config)


def test_extra_hosts_widen_an_outlets_scope(workdir: Path, database_url: str) -> None:
    with serve(FixtureSite()) as site:
        site.add(ELSEWHERE.path, article_page(ELSEWHERE))
        site.add(
            "/rss",
            rss_feed("", [elsewhere(site, ELSEWHERE.path)]),
            content_type="application/rss+xml",
        )
        config = harness.write_config(
            workdir, database_url, TOPIC + _outlet(site, 'extra_hosts = ["localhost"]\n')
        )
        result, report = crawl(workdir, config)
    assert (report["added"], report["off_scope"]) == (1, 0), result.stderr
    assert_corpus_invariants(workdir, config)


def test_bombs_and_redirect_loops_are_counted_logged_once_and_not_asked_again(
    workdir: Path, database_url: str
) -> None:
    bomb = gzip.compress(b"<html>" + b" " * 4_000_000 + b"</html>")
    assert len(bomb) < 100_000
    paths = {
        "bomb": "/news/articleView.html?idxno=401",
        "huge": "/news/articleView.html?idxno=402",
        "loop": "/news/articleView.html?idxno=403",
    }
    with serve(FixtureSite()) as site:
        site.add(paths["bomb"], Page(bomb, headers=(("Content-Encoding", "gzip"),)))
        site.add(paths["huge"], Page(b"<p>" + "가".encode() * 200_000 + b"</p>"))
        site.add(paths["loop"], redirect("/loop/b"))
        site.add("/loop/b", redirect(paths["loop"]))
        site.add(ON_TOPIC_1.path, article_page(ON_TOPIC_1))
        feed = [site.url(p) for p in (*paths.values(), ON_TOPIC_1.path)]
        site.add("/rss", rss_feed("", feed), content_type="application/rss+xml")
        config = harness.write_config(
            workdir, database_url, "max_page_bytes = 300000\n" + TOPIC + _outlet(site)
        )
        result, report = crawl(workdir, config)
        assert (report["added"], report["refused"], report["errors"]) == (1, 3, 0), result.stderr
        for path in paths.values():
            lines = [
                line
                for line in result.stderr.splitlines()
                if path in line and ("WARNING" in line or "ERROR" in line)
            ]
            assert len(lines) == 1, (path, result.stderr)
        assert "redirect_loop" in result.stderr and result.stderr.count("too_large") >= 2
        site.clear_log()
        again, report = crawl(workdir, config)
        assert report["refused"] == 0 and report["skipped_known"] == 4, again.stderr
        assert not any(p in site.requested() for p in (*paths.values(), "/loop/b"))
    assert_corpus_invariants(workdir, config)


def test_tls_failure_reason_is_a_few_words(workdir: Path, database_url: str) -> None:
    with serve(FixtureSite()) as site:  # plain HTTP where the feed URL says https
        feed = site.url("/rss").replace("http://", "https://")
        config = harness.write_config(
            workdir, database_url, f'[[sources]]\nkey = "tls"\nfeeds = ["{feed}"]\n'
        )
        result, report = crawl(workdir, config)
    assert report["failed"] and result.returncode == 1
    reason = str(report["reason"])
    assert reason.startswith(f"{feed}: TLS error: "), reason
    assert len(reason) - len(feed) < 80 and "Failure" not in reason, reason
    assert_corpus_invariants(workdir, config)


def test_sources_check_keeps_search_credentials_on_their_host(
    workdir: Path, database_url: str
) -> None:
    api, thief = HeaderLog(), HeaderLog()
    with serve(api), serve(thief):
        api.add(
            f"{API}?query=%EA%B4%91%EC%A3%BC+AI&display=100&start=1&sort=date",
            redirect(thief.url("/steal")),
        )
        config = harness.write_config(
            workdir,
            database_url,
            TOPIC + f'[[sources]]\nkey = "naver"\nsearch_url = "{api.url(API)}"\n',
        )
        result = run_newsmon(
            "sources", "check", "--source", "naver", "--config", str(config), "--json",
            cwd=workdir, env=NAVER_KEYS,
        )  # fmt: skip
        assert thief.requested() == []
    assert result.returncode == 1, result.stderr
    (row,) = json.loads(result.stdout)
    assert "redirects to another host" in json.dumps(row, ensure_ascii=False)
    assert "secret-1" not in result.stdout + result.stderr
