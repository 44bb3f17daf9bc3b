"""The real `newsmon daemon` with its status server: metrics, health, a clean stop, a browser."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from lxml import html as lxml_html
from prometheus_client.parser import text_string_to_metric_families

from tests.fixture_server import FixtureSite, serve
from tests.scheduling.daemon_harness import (
    FEED,
    make_article,
    publish,
    run_newsmon,
    running_daemon,
    wait_until,
    write_config,
)

pytestmark = pytest.mark.integration
CHROMIUM = Path("/usr/bin/chromium")
GRACE = 5.0  # the harness's stop_grace
KILL_AFTER = 5.0
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def _log(tmp_path: Path) -> str:
    return (tmp_path / "daemon.log").read_text(encoding="utf-8", errors="replace")


def _base(tmp_path: Path) -> str | None:
    """The status server's address, from the daemon's own log line (it binds port 0)."""
    found = re.findall(r"Status page on (http://[^/\s]+)/", _log(tmp_path))
    return found[-1] if found else None


def _metric(base: str, name: str, **labels: str) -> float:
    text = httpx.get(base + "/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def _wait_base(tmp_path: Path) -> str:
    assert wait_until(lambda: _base(tmp_path) is not None, 30), _log(tmp_path)
    base = _base(tmp_path)
    assert base is not None
    return base


def test_metrics_rise_health_is_ok_and_sigterm_still_exits_zero(tmp_path: Path) -> None:
    articles = [make_article(n) for n in range(1, 4)]
    with serve(FixtureSite()) as site:
        publish(site, articles[:2])
        config = write_config(tmp_path, {"alpha": site.url(FEED)}, stop_grace=f"{GRACE:g}s")
        with running_daemon(config, tmp_path / "daemon.log") as daemon:
            base = _wait_base(tmp_path)
            health = httpx.get(base + "/healthz", timeout=5)
            assert health.status_code == 200 and health.json() == {"status": "ok"}

            def added() -> float:
                return _metric(base, "newsmon_articles_total", source="alpha", result="added")

            assert wait_until(lambda: added() == 2, 40), _log(tmp_path)
            crawls = _metric(base, "newsmon_crawls_total", source="alpha", outcome="ok")
            assert crawls >= 1
            publish(site, articles)
            assert wait_until(lambda: added() == 3, 40), _log(tmp_path)
            assert _metric(base, "newsmon_crawls_total", source="alpha", outcome="ok") > crawls
            assert _metric(base, "newsmon_corpus_files") == 3
            assert _metric(base, "newsmon_crawl_duration_seconds_count", source="alpha") >= 2
            assert httpx.get(base + "/healthz", timeout=5).status_code == 200
            started = time.monotonic()
            daemon.send_signal(signal.SIGTERM)
            try:
                code = daemon.wait(timeout=GRACE + KILL_AFTER + 5)
            except subprocess.TimeoutExpired:
                pytest.fail("daemon did not stop within its grace period\n" + _log(tmp_path))
            assert code == 0, _log(tmp_path)
            assert time.monotonic() - started < GRACE + KILL_AFTER + 5
            with pytest.raises(httpx.ConnectError):
                httpx.get(base + "/healthz", timeout=2)
            before = _log(tmp_path)
        # a restarted daemon starts its counters from the run history
        with running_daemon(config, tmp_path / "daemon.log"):
            assert wait_until(lambda: _base(tmp_path) not in (None, base), 30), _log(tmp_path)
            again = _base(tmp_path)
            assert again is not None
            assert _metric(again, "newsmon_articles_total", source="alpha", result="added") == 3
            assert _metric(again, "newsmon_crawls_total", source="alpha", outcome="ok") >= crawls
    assert "Daemon stopped" in before


def test_daemon_refuses_a_public_address_without_a_token(tmp_path: Path) -> None:
    config = write_config(tmp_path, {"alpha": "http://127.0.0.1:1/rss"}, listen="0.0.0.0:0")
    result = run_newsmon("daemon", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert "listen_token" in result.stderr and "0.0.0.0:0" in result.stderr
    assert not (tmp_path / "newsmon.db").exists()  # refused before anything started


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="headless Chromium missing: apt-get install chromium"
)
def test_status_page_in_headless_chromium(tmp_path: Path) -> None:
    names = {"alpha": range(1, 31), "beta": range(101, 131)}
    with serve(FixtureSite()) as alpha, serve(FixtureSite()) as beta:
        sites = {"alpha": alpha, "beta": beta}
        for key, site in sites.items():
            publish(site, [make_article(n) for n in names[key]])
        config = write_config(tmp_path, {k: s.url(FEED) for k, s in sites.items()})
        with running_daemon(config, tmp_path / "daemon.log"):
            base = _wait_base(tmp_path)
            corpus = tmp_path / "corpus"
            assert wait_until(lambda: len(list(corpus.glob("*.txt"))) == 60, 90), _log(tmp_path)
            dom = _chromium("--dump-dom", base + "/", profile=tmp_path / "profile")
            shot = tmp_path / "status-page.png"
            _chromium(
                f"--screenshot={shot}",
                "--window-size=1280,2400",
                base + "/",
                profile=tmp_path / "profile",
            )
    assert dom.returncode == 0, dom.stderr[-2000:]
    tree = lxml_html.fromstring(dom.stdout)
    assert tree.get("lang") == "ko"
    rows = tree.cssselect("#sources tbody tr.source")
    assert [row.get("data-source") for row in rows] == ["alpha", "beta"]
    articles = tree.cssselect("#articles tbody tr.article")
    assert len(articles) == 50
    assert all(row.cssselect("a[href^='http://127.0.0.1']") for row in articles)
    assert "광주 지역 소식" in str(articles[0].xpath("string()"))
    series = tree.cssselect("svg polyline.series")
    assert sorted(s.get("data-source") or "" for s in series) == ["alpha", "beta"]
    assert shot.is_file() and shot.stat().st_size > 10_000  # kept in tmp_path to look at
