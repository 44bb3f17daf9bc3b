"""`newsmon backfill` / `coverage` in-process: argument errors, the summary, progress bars."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from crawler.crawl.backfill_runner import BackfillReport, Snapshot
from crawler.sources import Source
from db.run_counts import RunCounts
from newsmon.backfill import Bars, coverage_text, summary
from newsmon.cli import EXIT_CONFIG, EXIT_OK, main
from scheduler.coverage import Cell, SourceCoverage


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "newsmon.toml"
    config.write_text(
        f'[corpus]\ndir = "{tmp_path / "corpus"}"\n[database]\nurl = "sqlite:///{tmp_path}/n.db"\n'
        '[[sources]]\nkey = "mine"\nfeeds = ["https://example.kr/rss"]\n',
        encoding="utf-8",
    )
    return config


def test_a_bad_window_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(_config(tmp_path))
    args = ["backfill", "--config", config, "--since", "2025-05-01", "--until", "2025-04-01"]
    assert main(args) == EXIT_CONFIG
    assert "--until 2025-04-01 is before --since 2025-05-01" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["backfill", "--config", config, "--since", "May 2025"])
    assert exited.value.code == 2
    assert "'May 2025' is not a YYYY-MM-DD date" in capsys.readouterr().err
    # a source with only a feed offers no door into its past but the engines and archive
    assert main(["backfill", "--config", config, "--since", "2025-01-01", "--via", "search"]) == 2
    assert "no chosen source offers search" in capsys.readouterr().err
    assert not (tmp_path / "corpus").exists() or not any((tmp_path / "corpus").iterdir())


def test_coverage_without_any_backfill(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "--config", str(_config(tmp_path))]) == EXIT_OK
    assert "no backfill has run yet" in capsys.readouterr().out


def test_the_summary_and_the_ledger_as_text() -> None:
    report = BackfillReport(
        key="mine", name="내 신문", counts=RunCounts(added=2, fetched=5, on_topic=2)
    )
    report.doors["search"] = {
        "requests": 7, "pages": 2, "listed": 5, "outside_window": 9, "complete": 1,
    }  # fmt: skip
    report.skipped["naver"] = "set the keys"
    report.added_files = ["010_abc.txt", "011_def.txt"]
    text = summary([report], dry_run=False)
    rows = [line.split() for line in text.splitlines()]
    assert ["mine", "search", "7", "2", "5", "9", "complete"] in rows
    assert ["mine", "naver", "0", "0", "0", "0", "skipped:", "set", "the", "keys"] in rows
    assert "  + mine: 010_abc.txt" in text and text.endswith("2 new articles")
    report.would_fetch = {"search": {"2025-04": 3}}
    dry = [line.split() for line in summary([report], dry_run=True).splitlines()]
    assert ["mine", "search", "2025-04", "3", "7"] in dry
    ledger = SourceCoverage(
        "mine", [Cell("2025-04", listed=3, doors=["search"]), Cell("2025-03")], []
    )
    lines = coverage_text([ledger]).splitlines()
    assert lines[0] == "mine: 2 months, 1 not reached by any door"
    assert lines[-1].startswith("2025-03") and lines[-1].endswith("GAP")


def test_progress_bars_show_months_found_fetched_added(monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    bars = Bars([Source(key="mine", name="m", feeds=("https://example.kr/rss",))])
    bars.update(Snapshot("mine", months=24, reached=6, walking="2025-07", found=40,
                         fetched=30, added=12))  # fmt: skip
    bars.update(Snapshot("other", 1, 0, None, 0, 0, 0))  # a source without a bar is ignored
    bars.close()
    out = err.getvalue()
    assert "mine" in out and "6/24 months" in out
    assert "2025-07 found 40 fetched 30 added 12" in out


def test_sources_list_each_sources_doors_with_provenance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSMON_CONFIG", raising=False)
    assert main(["sources", "--json"]) == EXIT_OK
    rows = {row["key"]: row for row in json.loads(capsys.readouterr().out)}
    doors = {offer["door"]: offer for offer in rows["jnilbo"]["backfill"]}
    assert doors["search"]["template"].endswith("sc_word={term}&view_type=sm&page={page}")
    assert doors["search"]["provenance"].startswith("GUESS:")
