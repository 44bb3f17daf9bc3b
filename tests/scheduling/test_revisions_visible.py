"""Recorded revisions are visible: revisions command, export columns, status, metrics, alerts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from corpus_folder.store import CorpusStore
from db.session import open_database
from newsmon.cli import main
from newsmon.export import export_rows
from scheduler.metrics import DaemonMetrics
from scheduler.monitor import alert_retractions
from scheduler.status import report_from
from tests.fixture_server import serve
from tests.revision_site import EditingOutlet, story
from tests.scheduling.revision_env import T0, Env, FakeClock, Recorder, outlet_config

pytestmark = pytest.mark.database
SLOT1 = timedelta(hours=1, minutes=1)


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> Iterator[Env]:
    outlet = EditingOutlet()
    with serve(outlet):
        config = outlet_config(tmp_path, database_url, outlet)
        database = open_database(database_url)
        try:
            store = CorpusStore(config.corpus.dir, database)
            yield Env(config, database, store, outlet, FakeClock(T0))
        finally:
            database.close()


@pytest.fixture
def recorded(env: Env) -> Env:
    """Article 1 revised (a figure), article 2 retracted (404), article 3 untouched."""
    for idxno in (1, 2, 3):
        env.first_fetch(idxno)
    paragraphs = story(1).paragraphs
    paragraphs[0] = paragraphs[0].replace("4천억원", "3천억원")
    env.outlet.edit(1, paragraphs=paragraphs)
    env.outlet.edit(2, status=404)
    env.check_at(SLOT1)
    return env


def test_revisions_command_lists_with_diff(
    recorded: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(recorded.config.path)
    assert main(["revisions", "--config", path, "--json", "--diff"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [(e["file"][:3], e["kind"]) for e in entries] == [
        ("000", "revised"),
        ("001", "retracted"),
    ]
    assert [line for line in entries[0]["diff"] if "억원" in line] == [
        "-" + story(1).paragraphs[0],
        "+" + story(1).paragraphs[0].replace("4천억원", "3천억원"),
    ]
    assert entries[1]["detail"] == "HTTP 404"
    assert main(["revisions", "--config", path, "--source", "nothere"]) == 0
    assert capsys.readouterr().out.strip() == "no revisions recorded"
    assert main(["revisions", "--config", path, "--since", "2026-12-02"]) == 0
    assert capsys.readouterr().out.strip() == "no revisions recorded"
    assert main(["revisions", "--config", path, "--since", "2026-12-01"]) == 0
    text = capsys.readouterr().out
    assert "+1 -1 lines, 2 tokens changed" in text and "retracted: HTTP 404" in text


def test_corpus_show_gives_one_articles_history(
    recorded: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(recorded.config.path)
    assert main(["corpus", "show", "0", "--config", path, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["seq"] == 0
    assert record["next_recheck_at"] == (T0 + timedelta(hours=6)).isoformat()
    assert [h["kind"] for h in record["history"]] == ["revised"]
    assert main(["corpus", "show", record["file"], "--config", path, "--diff"]) == 0
    text = capsys.readouterr().out
    assert (
        "next re-check" in text
        and "+" + story(1).paragraphs[0].replace("4천억원", "3천억원") in text
    )
    assert main(["corpus", "show", "1", "--config", path]) == 0
    assert "retracted: HTTP 404" in capsys.readouterr().out
    assert main(["corpus", "show", "99", "--config", path]) == 1


def test_export_status_and_metrics_count_them(recorded: Env) -> None:
    rows = {str(r["seq"]): r for r in export_rows(recorded.config, None)}
    assert (rows["0"]["revisions"], rows["0"]["last_revised_at"]) == (1, T0 + SLOT1)
    assert rows["0"]["retracted_at"] is None
    assert (rows["1"]["revisions"], rows["1"]["retracted_at"]) == (0, T0 + SLOT1)
    assert (rows["2"]["revisions"], rows["2"]["last_revised_at"]) == (0, None)
    report = report_from(recorded.database, recorded.config, T0 + SLOT1)
    [outlet] = report.sources
    assert (outlet.revised, outlet.retracted) == (1, 1)
    metrics = DaemonMetrics(recorded.config)
    metrics.seed(recorded.database)
    value = metrics.registry.get_sample_value
    assert value("newsmon_revisions_total", {"source": "outlet", "kind": "revised"}) == 1
    assert value("newsmon_revisions_total", {"source": "outlet", "kind": "retracted"}) == 1
    assert value("newsmon_revisions_total", {"source": "outlet", "kind": "headline"}) == 0


def test_retractions_reach_the_alert_digest(recorded: Env) -> None:
    sender = Recorder()
    assert alert_retractions(recorded.config, recorded.database, sender, T0) == 1
    [(kind, message)] = sender.messages
    assert kind == "retraction" and message["text"] == "outlet: 1 article retracted"
    assert "HTTP 404" in json.dumps(message, ensure_ascii=False)
    assert alert_retractions(recorded.config, recorded.database, sender, T0 + 2 * SLOT1) == 0
