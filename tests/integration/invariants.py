"""Checks every fault test makes on the corpus after the command under test has run."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from corpus_folder.store import NAME_PATTERN
from tests.integration.harness import SEEDS, run_newsmon
from tests.scheduling.daemon_harness import stray_files

SEED_NAMES = {seed.name for seed in SEEDS}


def assert_corpus_invariants(workdir: Path, config: Path) -> list[str]:
    """Names match bytes, no bytes twice, numbers contiguous from 000, nothing stray, and
    `newsmon corpus verify` agrees. Returns the corpus file names."""
    corpus = workdir / "corpus"
    names = sorted(p.name for p in corpus.iterdir() if NAME_PATTERN.match(p.name))
    digests = []
    for name in names:
        path = corpus / name
        assert path.is_file() and not path.is_symlink(), name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        digests.append(digest)
        if name not in SEED_NAMES:  # seeds keep the names they came with
            assert name == f"{name.split('_')[0]}_{digest[:16]}.txt", f"{name}: name/bytes differ"
    assert len(set(digests)) == len(digests), "the same bytes are stored twice"
    numbers = sorted(int(name.split("_")[0]) for name in names)
    assert numbers == list(range(len(numbers))), f"numbers not contiguous: {numbers}"
    assert stray_files(corpus) == []  # the corpus folder holds only corpus files
    verify = run_newsmon("corpus", "verify", "--config", str(config), cwd=workdir)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    return names


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The command failed with exit 2 and said why in exactly one line, without a traceback."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]
