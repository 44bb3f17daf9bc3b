"""What the integration tests share: a config for a local fixture site, and the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.paths import FIXTURES, REPO, SEEDS

__all__ = [
    "FIXTURES",
    "REPO",
    "SEEDS",
    "corpus_files",
    "run_newsmon",
    "seed_corpus",
    "write_config",
]


def write_config(workdir: Path, database_url: str, body: str) -> Path:
    """`workdir/newsmon.toml`: corpus in `workdir/corpus`, no politeness delays, then `body`
    (the [topic] table and [[sources]] of the test)."""
    (workdir / "corpus").mkdir(exist_ok=True)
    config = workdir / "newsmon.toml"
    config.write_text(
        f'[corpus]\ndir = "{workdir / "corpus"}"\n[database]\nurl = "{database_url}"\n'
        '[crawl]\ndownload_delay = 0\nautothrottle = false\ntimeout = "30s"\nretries = 0\n' + body,
        encoding="utf-8",
    )
    return config


def run_newsmon(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real `newsmon` command in a subprocess: our NEWSMON_* variables replaced by `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    return subprocess.run(
        [sys.executable, "-m", "newsmon", *args],
        cwd=cwd,
        env={**base, **(env or {}), "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def seed_corpus(workdir: Path) -> Path:
    """`workdir/corpus` holding copies of the five seed files."""
    corpus = workdir / "corpus"
    corpus.mkdir(exist_ok=True)
    for seed in SEEDS:
        shutil.copy(seed, corpus / seed.name)
    return workdir


def corpus_files(workdir: Path) -> list[str]:
    return sorted(p.name for p in (workdir / "corpus").iterdir() if not p.name.startswith("."))
