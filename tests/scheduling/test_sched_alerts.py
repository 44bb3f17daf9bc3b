"""Alerts: Slack-compatible messages, delivery with retries, and when each alert fires (once)."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from crawler.config import AppConfig
from db.session import Database
from scheduler import alerts
from scheduler.alerts import AlertSender, DigestItem
from scheduler.jobs import CrawlOutcome
from scheduler.monitor import RunMonitor
from tests.scheduling.conftest import FakeClock, add_run, make_config
from tests.scheduling.webhook_server import Webhook

SOURCE = """
[[sources]]
key = "fixture"
name = "뉴스몬일보"
feeds = ["http://127.0.0.1:1/rss"]
every = "10m"
"""


@pytest.fixture
def config(tmp_path: Path, webhook: Webhook) -> AppConfig:
    return make_config(
        tmp_path,
        SOURCE,
        f'[alerts]\nwebhook_url = "{webhook.url}"\nfailures_before_alert = 3\nsilent_factor = 4.0',
    )


def test_digest_names_headline_outlet_url_and_file() -> None:
    items = [
        DigestItem("광주 AI <집적단지> & 예타", "https://news.example/1", "005_ab.txt"),
        DigestItem("제목 없는 링크", None, "006_cd.txt"),
    ]
    message = alerts.digest_message("뉴스몬일보", items)
    assert message["text"] == "뉴스몬일보: 2 new articles"
    first, second = (block["text"]["text"] for block in message["blocks"][1:])
    assert "<https://news.example/1|광주 AI &lt;집적단지&gt; &amp; 예타>" in first
    assert "뉴스몬일보" in first and "005_ab.txt" in first
    assert second.startswith("• 제목 없는 링크")


def test_long_digest_is_truncated_with_a_count() -> None:
    items = [
        DigestItem(f"기사 {i}", f"https://news.example/{i}", f"{i:03d}_x.txt") for i in range(25)
    ]
    message = alerts.digest_message("뉴스몬일보", items)
    assert len(message["blocks"]) == 1 + alerts.DIGEST_LIMIT + 1
    assert message["blocks"][-1]["text"]["text"] == "… and 5 more"


def test_sender_posts_json_to_the_webhook(webhook: Webhook) -> None:
    sender = AlertSender(webhook.url, timeout=5)
    sender.send({"text": "hello"})
    sender.close()
    assert webhook.received == [{"text": "hello"}]
    assert sender.sent == 1


def test_sender_retries_server_errors_with_backoff(webhook: Webhook) -> None:
    webhook.fail_first = 2
    sender = AlertSender(webhook.url, timeout=5, tries=3, backoff=0.01)
    sender.send({"text": "retry me"})
    sender.close()
    assert webhook.attempts == 3
    assert webhook.texts() == ["retry me"]


@pytest.mark.parametrize("fail_status, attempts", [(500, 3), (404, 1)], ids=["5xx", "4xx"])
def test_undeliverable_alert_is_logged_without_the_url(
    webhook: Webhook, caplog: pytest.LogCaptureFixture, fail_status: int, attempts: int
) -> None:
    webhook.fail_first, webhook.fail_status = 10, fail_status
    caplog.set_level(logging.DEBUG)
    sender = AlertSender(webhook.url, timeout=5, tries=3, backoff=0.01)
    sender.send({"text": "lost"})
    sender.close()
    assert webhook.attempts == attempts and sender.failed == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [f"Alert 'lost' not delivered to the webhook: HTTP {fail_status}"]
    assert all("secret-token" not in r.getMessage() for r in caplog.records)


def test_unreachable_webhook_never_raises_and_hides_the_url(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = "http://127.0.0.1:9/hooks/secret-token"
    caplog.set_level(logging.DEBUG)
    sender = AlertSender(url, timeout=1, tries=2, backoff=0.01)
    sender.send({"text": "nobody listens"})
    sender.close()
    assert sender.failed == 1
    assert any("ConnectError" in r.getMessage() for r in caplog.records)
    assert all("secret-token" not in r.getMessage() for r in caplog.records)


def _outcome(clock: FakeClock, status: str = "ok", **report: object) -> CrawlOutcome:
    return CrawlOutcome(
        "fixture",
        status,  # type: ignore[arg-type]
        clock.now,
        clock.now + timedelta(seconds=5),
        0,
        {"key": "fixture", **report},
        None if status == "ok" else "boom",
    )


def _crawl(
    monitor: RunMonitor,
    config: AppConfig,
    database: Database,
    clock: FakeClock,
    status: str = "ok",
    added: tuple[str, ...] = (),
    **counts: int,
) -> None:
    """One run: the child's row, then the monitor's review of it; the clock moves 10 minutes."""
    add_run(database, "fixture", clock.now, status, added)
    outcome = _outcome(clock, status, added_files=list(added), **counts)
    monitor(config.source("fixture"), outcome)
    clock.advance(600)


def _monitor(
    config: AppConfig, database: Database, clock: FakeClock
) -> tuple[RunMonitor, AlertSender]:
    sender = AlertSender(config.alerts.webhook_url, timeout=5, backoff=0.01)
    return RunMonitor(config, database, sender, clock=clock), sender


def test_failure_streak_alerts_once_at_n_then_recovery(
    config: AppConfig, database: Database, clock: FakeClock, webhook: Webhook
) -> None:
    monitor, sender = _monitor(config, database, clock)
    _crawl(monitor, config, database, clock)
    for _ in range(5):
        _crawl(monitor, config, database, clock, status="failed")
    _crawl(monitor, config, database, clock, status="timeout")
    _crawl(monitor, config, database, clock)
    _crawl(monitor, config, database, clock)
    sender.close()
    assert webhook.texts() == [
        "뉴스몬일보 (fixture) has failed 3 runs in a row",
        "뉴스몬일보 (fixture) recovered after 6 failed runs",
    ]
    assert "Last error: boom" in webhook.received[0]["blocks"][1]["text"]["text"]


def test_short_failure_streak_neither_alerts_nor_recovers(
    config: AppConfig, database: Database, clock: FakeClock, webhook: Webhook
) -> None:
    monitor, sender = _monitor(config, database, clock)
    for status in ("failed", "killed", "ok", "failed", "ok"):
        _crawl(monitor, config, database, clock, status=status)
    sender.close()
    assert webhook.texts() == []


def test_digest_after_a_run_that_added_articles(
    config: AppConfig, database: Database, clock: FakeClock, webhook: Webhook
) -> None:
    monitor, sender = _monitor(config, database, clock)
    _crawl(monitor, config, database, clock, added=("005_aaaa.txt", "006_bbbb.txt"))
    _crawl(monitor, config, database, clock)
    sender.close()
    assert webhook.texts() == ["뉴스몬일보: 2 new articles"]
    lines = [b["text"]["text"] for b in webhook.received[0]["blocks"][1:]]
    assert lines[0] == "• <https://news.example/5|기사 5 제목>\n뉴스몬일보 · `005_aaaa.txt`"


def test_silence_alerts_once_per_silence(
    config: AppConfig, database: Database, clock: FakeClock, webhook: Webhook
) -> None:
    monitor, sender = _monitor(config, database, clock)
    for seq in range(5, 9):  # an article every run (10 min): usual gap 10 min, silent after 40
        _crawl(monitor, config, database, clock, added=(f"{seq:03d}_{seq:04x}.txt",))
    for _ in range(8):
        _crawl(monitor, config, database, clock)
    _crawl(monitor, config, database, clock, added=("009_0009.txt",))
    for _ in range(6):
        _crawl(monitor, config, database, clock)
    sender.close()
    silences = [t for t in webhook.texts() if "is silent" in t]
    assert len(silences) == 2  # once per silence, not once per run
    assert silences[0] == (
        "뉴스몬일보 (fixture) is silent: no new article since 2025-10-21 09:30 KST"
    )


def test_layout_change_alerts_once_until_bodies_return(
    config: AppConfig, database: Database, clock: FakeClock, webhook: Webhook
) -> None:
    monitor, sender = _monitor(config, database, clock)
    for fetched, no_body in ((5, 5), (4, 4), (2, 2), (5, 1), (3, 3)):
        _crawl(monitor, config, database, clock, fetched=fetched, no_body=no_body)
    sender.close()
    layout = [t for t in webhook.texts() if "none yielded" in t]
    assert layout == [
        "뉴스몬일보 (fixture): 5 pages fetched, none yielded an article body",
        "뉴스몬일보 (fixture): 3 pages fetched, none yielded an article body",
    ]
