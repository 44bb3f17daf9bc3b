"""Daemon metrics: values after real crawls of a fixture site, seeds from history, alert counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from crawler.config import AppConfig, load_config
from db.session import Database, open_database
from scheduler.alerts import AlertSender
from scheduler.jobs import ChildRegistry, CrawlJob
from scheduler.metrics import ARTICLE_RESULTS, OUTCOMES, DaemonMetrics
from scheduler.role import Role
from scheduler.status import corpus_size
from tests.fixture_server import FixtureSite, serve
from tests.scheduling.conftest import T0, FakeClock, add_run, make_config
from tests.scheduling.daemon_harness import FEED, make_article, publish, write_config
from tests.scheduling.webhook_server import Webhook
from tests.sitegen import Article

OFF_TOPIC = Article(
    idxno=9001,
    headline="서울 날씨 소식: 내일은 맑음",
    paragraphs=(
        "서울 지역은 내일 대체로 맑겠고 낮 최고기온은 18도로 예상된다.",
        "기상청은 일교차가 크니 건강 관리에 유의해 달라고 당부했다.",
        "주말에는 구름이 많아지겠으며 강수 확률은 낮은 편이다.",
        "다음 주 초에는 찬 공기가 내려오면서 아침 기온이 영하권으로 떨어질 것으로 보인다.",
        "기상청은 다음 주 중반 이후 전국에 비 소식이 있다고 예보했다. /기자 9001",
    ),
)
NAMES = {
    "newsmon_crawls",
    "newsmon_articles",
    "newsmon_crawl_duration_seconds",
    "newsmon_seconds_since_last_success",
    "newsmon_seconds_since_last_new_article",
    "newsmon_corpus_files",
    "newsmon_alerts_sent",
    "newsmon_alert_deliveries_failed",
    "newsmon_uptime_seconds",
    "newsmon_leader",
}


def _value(metrics: DaemonMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def _crawl(config: AppConfig, database: Database, metrics: DaemonMetrics, key: str) -> None:
    CrawlJob(config, database, ChildRegistry(), metrics.observe)(key)


def test_metrics_after_crawls_of_a_fixture_site(tmp_path: Path) -> None:
    first, second, copy = make_article(1), make_article(2), make_article(1)
    copy = replace(copy, idxno=5000)  # the same text under another URL: an exact duplicate
    with serve(FixtureSite()) as site:
        publish(site, [first, second, OFF_TOPIC])
        path = write_config(tmp_path, {"alpha": site.url(FEED)})
        path.write_text(path.read_text() + '\n[topic]\nany = ["광주"]\n', encoding="utf-8")
        config = load_config(path, env={})
        database = open_database(config.database.url)
        try:
            metrics = DaemonMetrics(config, corpus_files=lambda: corpus_size(config))
            metrics.seed(database)
            assert _value(metrics, "newsmon_crawls_total", source="alpha", outcome="ok") == 0
            _crawl(config, database, metrics, "alpha")
            publish(site, [first, second, OFF_TOPIC, copy])
            _crawl(config, database, metrics, "alpha")
        finally:
            database.close()
    assert _value(metrics, "newsmon_crawls_total", source="alpha", outcome="ok") == 2
    assert _value(metrics, "newsmon_crawls_total", source="alpha", outcome="failed") == 0
    results = {
        result: _value(metrics, "newsmon_articles_total", source="alpha", result=result)
        for result in ARTICLE_RESULTS
    }
    assert results == {
        "added": 2,
        "exact_duplicate": 1,
        "near_duplicate": 0,
        "off_topic": 1,
        "error": 0,
    }
    assert _value(metrics, "newsmon_crawl_duration_seconds_count", source="alpha") == 2
    total = _value(metrics, "newsmon_crawl_duration_seconds_sum", source="alpha")
    assert total is not None and 0 < total < 120
    assert _value(metrics, "newsmon_corpus_files") == 2
    for name in ("newsmon_seconds_since_last_success", "newsmon_seconds_since_last_new_article"):
        since = _value(metrics, name, source="alpha")
        assert since is not None and 0 <= since < 120
    uptime = _value(metrics, "newsmon_uptime_seconds")
    assert uptime is not None and uptime > 0


SOURCES = """
[[sources]]
key = "alpha"
feeds = ["http://127.0.0.1:1/rss"]
[[sources]]
key = "beta"
feeds = ["http://127.0.0.1:1/rss"]
"""


def test_counters_are_seeded_from_the_run_history(tmp_path: Path, database: Database) -> None:
    config = make_config(tmp_path, SOURCES)
    add_run(database, "alpha", T0, "ok", ("001_a.txt", "002_b.txt"), errors=1)
    add_run(database, "alpha", T0 + timedelta(hours=1), "ok", ("003_c.txt",))
    add_run(database, "alpha", T0 + timedelta(hours=2), "timeout")
    add_run(database, "beta", T0, "failed", errors=4)
    add_run(database, "beta", T0 + timedelta(hours=3), "running")
    clock = FakeClock(T0 + timedelta(hours=4))
    metrics = DaemonMetrics(config, clock=clock)
    metrics.seed(database)
    assert _value(metrics, "newsmon_crawls_total", source="alpha", outcome="ok") == 2
    assert _value(metrics, "newsmon_crawls_total", source="alpha", outcome="timeout") == 1
    assert _value(metrics, "newsmon_crawls_total", source="beta", outcome="failed") == 1
    assert _value(metrics, "newsmon_crawls_total", source="beta", outcome="ok") == 0
    assert _value(metrics, "newsmon_articles_total", source="alpha", result="added") == 3
    assert _value(metrics, "newsmon_articles_total", source="alpha", result="error") == 1
    assert _value(metrics, "newsmon_articles_total", source="beta", result="error") == 4
    # the last ok run of alpha finished at T0 + 1 h 5 s; its newest file was stored at T0 + 1 h
    assert _value(metrics, "newsmon_seconds_since_last_success", source="alpha") == 3 * 3600 - 5
    assert _value(metrics, "newsmon_seconds_since_last_new_article", source="alpha") == 3 * 3600
    assert _value(metrics, "newsmon_seconds_since_last_success", source="beta") is None


def test_exposition_names_types_and_labels(tmp_path: Path, database: Database) -> None:
    metrics = DaemonMetrics(make_config(tmp_path, SOURCES))
    add_run(database, "alpha", T0, "ok", ("001_a.txt",))
    metrics.seed(database)
    families = {
        f.name: f
        for f in text_string_to_metric_families(generate_latest(metrics.registry).decode())
    }
    assert set(families) == NAMES | {"newsmon_revisions"}  # re-checks are on by default
    assert families["newsmon_crawls"].type == "counter"
    assert families["newsmon_crawl_duration_seconds"].type == "histogram"
    assert families["newsmon_uptime_seconds"].type == "gauge"
    assert families["newsmon_leader"].type == "gauge"
    crawl_labels = {
        (s.labels["source"], s.labels["outcome"]) for s in families["newsmon_crawls"].samples
    }
    assert crawl_labels == {(key, outcome) for key in ("alpha", "beta") for outcome in OUTCOMES}
    # a registry per daemon: a second one starts from its own zero
    assert (
        DaemonMetrics(make_config(tmp_path, SOURCES)).registry.get_sample_value(
            "newsmon_crawls_total", {"source": "alpha", "outcome": "ok"}
        )
        == 0
    )


@pytest.mark.parametrize("fail_first", [0, 3], ids=["delivered", "failed"])
def test_alert_deliveries_are_counted_by_kind(
    tmp_path: Path, webhook: Webhook, fail_first: int
) -> None:
    metrics = DaemonMetrics(make_config(tmp_path, SOURCES))
    webhook.fail_first = fail_first
    sender = AlertSender(webhook.url, timeout=5, tries=3, backoff=0.01)
    sender.on_delivery = metrics.alert_delivered
    sender.send({"text": "digest"}, "digest")
    sender.close()
    sent = _value(metrics, "newsmon_alerts_sent_total", kind="digest")
    failed = _value(metrics, "newsmon_alert_deliveries_failed_total", kind="digest")
    assert (sent, failed) == ((1, 0) if not fail_first else (0, 1))
    assert _value(metrics, "newsmon_alerts_sent_total", kind="failure") == 0


def test_leader_gauge_follows_the_role(tmp_path: Path) -> None:
    metrics = DaemonMetrics(make_config(tmp_path, SOURCES))
    role = Role(shared=True)
    metrics.track_role(role)
    assert _value(metrics, "newsmon_leader") == 0
    role.leading = True
    assert _value(metrics, "newsmon_leader") == 1


def test_seeding_again_tops_up_to_the_history(tmp_path: Path, database: Database) -> None:
    metrics = DaemonMetrics(make_config(tmp_path, SOURCES))
    add_run(database, "alpha", T0, "ok", ("001_a.txt",))
    metrics.seed(database)
    add_run(database, "alpha", T0 + timedelta(hours=1), "ok", ("002_b.txt", "003_c.txt"))
    metrics.seed(database)  # a standby taking over: what another daemon ran is counted once
    assert _value(metrics, "newsmon_crawls_total", source="alpha", outcome="ok") == 2
    assert _value(metrics, "newsmon_articles_total", source="alpha", result="added") == 3
