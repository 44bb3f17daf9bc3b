"""Integration fixtures: a working folder whose corpus starts with the seed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.harness import seed_corpus


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return seed_corpus(tmp_path)
