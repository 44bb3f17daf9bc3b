"""The command line in-process: sources listing, config errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.sources import BUILTIN_SOURCES
from newsmon.cli import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, main
from tests.fixture_server import FixtureSite, serve
from tests.sitegen import rss_feed


def test_sources_lists_the_builtin_registry_without_a_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSMON_CONFIG", raising=False)
    assert main(["sources", "--json"]) == EXIT_OK
    rows = json.loads(capsys.readouterr().out)
    assert [row["key"] for row in rows] == [s.key for s in BUILTIN_SOURCES]
    assert all(
        row["feeds"] or row["sitemaps"] or row["listings"] or row["api_listings"] for row in rows
    )


def test_sources_table_names_the_config_file_and_topic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "my.toml"
    config.write_text(
        '[[sources]]\nkey = "mine"\nname = "내 신문"\nfeeds = ["https://example.kr/rss"]\n',
        encoding="utf-8",
    )
    assert main(["sources", "--config", str(config)]) == EXIT_OK
    out = capsys.readouterr().out
    assert str(config) in out and "mine (내 신문), every 15m" in out
    assert "feed     https://example.kr/rss" in out
    assert "every article is kept" in out


def test_a_config_error_exits_2_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[crawl]\nretries = 'x'\n", encoding="utf-8")
    assert main(["crawl", "--config", str(config)]) == EXIT_CONFIG
    err = capsys.readouterr().err
    assert "crawl.retries" in err and str(config) in err


def test_an_unknown_source_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["crawl", "--source", "nosuch"]) == EXIT_CONFIG
    assert "unknown source 'nosuch'" in capsys.readouterr().err


def test_sources_check_probes_each_discovery_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = FixtureSite()
    site.add(
        "/rss.xml",
        rss_feed("http://127.0.0.1", ["/news/articleView.html?idxno=1"]),
        content_type="application/rss+xml",
    )
    with serve(site):
        config = tmp_path / "my.toml"
        config.write_text(
            f'[[sources]]\nkey = "good"\nfeeds = ["{site.url("/rss.xml")}"]\n'
            f'[[sources]]\nkey = "gone"\nfeeds = ["{site.url("/missing.xml")}"]\n',
            encoding="utf-8",
        )
        assert main(["sources", "check", "--source", "good", "--config", str(config)]) == EXIT_OK
        capsys.readouterr()
        assert main(["sources", "check", "--json", "--config", str(config)]) == EXIT_FAILED
    results = {row["key"]: row for row in json.loads(capsys.readouterr().out)}
    assert results["good"]["ok"] is True and results["gone"]["ok"] is False
