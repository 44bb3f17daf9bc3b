"""Start-up: light commands import neither Scrapy nor numpy; read-only ones never migrate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from db import migrate
from tests.integration.harness import REPO, write_config

HEAVY = ("scrapy", "twisted", "numpy")
# Runs the real command line, then says which heavy modules the process had loaded.
WRAPPER = f"""
import json, sys
from newsmon.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
sys.stderr.write("\\nLOADED " + json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
raise SystemExit(code)
"""


def run(*args: str, cwd: Path, script: str = WRAPPER) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**env, "PYTHONPATH": str(REPO)},
    )


def loaded(result: subprocess.CompletedProcess[str]) -> list[str]:
    line = result.stderr.rsplit("LOADED ", 1)[1]
    return list(json.loads(line))


SOURCE = '[[sources]]\nkey = "o"\nfeeds = ["http://127.0.0.1:9/rss"]\n'


@pytest.mark.parametrize(
    "command",
    [
        ("--help",),
        ("status",),
        ("status", "--json"),
        ("export",),
        ("corpus", "stats"),
    ],
    ids=" ".join,
)
def test_light_commands_load_neither_scrapy_nor_numpy(
    tmp_path: Path,
    command: tuple[str, ...],
) -> None:
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'newsmon.db'}", SOURCE)
    args = command if command == ("--help",) else (*command, "--config", str(config))
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert loaded(result) == []


@pytest.mark.parametrize("command", [("status",), ("export",), ("corpus", "stats")], ids=" ".join)
def test_read_only_commands_refuse_a_schema_behind_and_leave_it(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    url = f"sqlite:///{tmp_path / 'newsmon.db'}"
    migrate.upgrade(url, "0001")
    config = write_config(tmp_path, url, SOURCE)
    result = run(*command, "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    message = result.stderr.rsplit("\nLOADED", 1)[0].strip()
    assert message.count("\n") == 0 and message.endswith("run newsmon db upgrade"), message
    assert migrate.current(url) == "0001"  # not migrated behind the user's back


# Runs `newsmon crawl`, saying on stderr each time an extraction worker pool is started, and
# at the end which it imported of Alembic (needed only to migrate), httpx (only when a source
# falls back to discovery) and aiohttp (never needed), whether the crawl froze what it had
# set up out of the garbage collections of the crawl, and whether the collector is still on.
POOL_PROBE = """
import gc, json, sys
from concurrent.futures import ProcessPoolExecutor
from newsmon.cli import main
started = ProcessPoolExecutor.__init__
def probe(self, *args, **kwargs):
    sys.stderr.write("\\nPOOL STARTED\\n")
    started(self, *args, **kwargs)
ProcessPoolExecutor.__init__ = probe
code = main(sys.argv[1:])
named = [m for m in ("alembic", "httpx", "aiohttp") if m in sys.modules]
frozen = f"FROZEN {gc.get_freeze_count() > 0} COLLECTING {gc.isenabled()} {gc.get_threshold()}"
sys.stderr.write(f"\\n{frozen}\\nLOADED " + json.dumps(named))
raise SystemExit(code)
"""


def test_a_crawl_with_nothing_new_starts_no_extraction_worker_nor_migration(tmp_path: Path) -> None:
    from tests.fixture_server import FixtureSite, serve
    from tests.sitegen import Article, article_page, rss_feed

    body = "광주 인공지능 산업 소식을 전하는 시험용 본문 문단입니다. 광주 AI 집적단지 소식."
    article = Article(7, "광주 AI 시험 기사", (body, body.replace("본문", "둘째 본문")))
    with serve(FixtureSite()) as site:
        site.add(article.path, article_page(article))
        site.add(
            "/rss.xml", rss_feed(site.base_url, [article.path]), content_type="application/rss+xml"
        )
        config = write_config(
            tmp_path,
            f"sqlite:///{tmp_path / 'newsmon.db'}",
            f'[topic]\nterms = ["광주"]\n[[sources]]\nkey = "o"\n'
            f'feeds = ["{site.url("/rss.xml")}"]\n',
        )
        runs = [
            run("crawl", "--config", str(config), cwd=tmp_path, script=POOL_PROBE) for _ in range(2)
        ]
    assert [run.returncode for run in runs] == [0, 0], runs[1].stderr
    assert "POOL STARTED" in runs[0].stderr  # a page to extract: the worker starts
    assert "POOL STARTED" not in runs[1].stderr  # nothing new: it never does
    assert loaded(runs[0]) == []  # a new database: built from the models, no migration to run
    assert loaded(runs[1]) == []  # at head: nothing to migrate
    # frozen, collecting, and at the default young-generation size again after the crawl
    assert all("\nFROZEN True COLLECTING True (700, 10, 10)\n" in run.stderr for run in runs)


def test_the_crawl_drops_only_extensions_it_never_enables() -> None:
    from scrapy.settings import default_settings

    from crawler.crawl.settings import STATIC_SETTINGS

    dropped = set(default_settings.EXTENSIONS_BASE) - set(STATIC_SETTINGS["EXTENSIONS_BASE"])
    assert {path.rsplit(".", 1)[1] for path in dropped} == {
        "TelnetConsole", "RemoteControl", "FeedExporter", "SpiderState", "MemoryDebugger"
    }  # fmt: skip
    assert STATIC_SETTINGS["TELNETCONSOLE_ENABLED"] is False
    assert STATIC_SETTINGS["REMOTE_CONTROL_ENABLED"] is False
    assert not {"FEEDS", "JOBDIR", "MEMDEBUG_ENABLED"} & set(STATIC_SETTINGS)


# Runs `python -m newsmon`; its first exit handler runs last and says whether what was left at
# exit had been frozen out of the interpreter's final garbage collection.
EXIT_PROBE = """
import atexit, gc, runpy, sys
atexit.register(lambda: sys.stderr.write(f"\\nFROZEN {gc.get_freeze_count() > 0}"))
sys.argv = ["newsmon", *sys.argv[1:]]
runpy.run_module("newsmon", run_name="__main__")
"""


@pytest.mark.parametrize(("config", "code"), [("newsmon.toml", 0), ("missing.toml", 2)])
def test_the_program_exits_with_the_command_code_after_freezing_its_objects(
    tmp_path: Path, config: str, code: int
) -> None:
    write_config(tmp_path, f"sqlite:///{tmp_path / 'newsmon.db'}", SOURCE)
    result = run("status", "--json", "--config", config, cwd=tmp_path, script=EXIT_PROBE)
    assert result.returncode == code, result.stderr
    assert result.stderr.endswith("FROZEN True")
    if code == 0:
        assert isinstance(json.loads(result.stdout), dict | list)  # the output is all there
