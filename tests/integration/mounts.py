"""Read-only and tiny file systems for fault tests: real mounts (root ignores chmod)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a read-only or tiny file system (chmod binds no root)")
    result = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here: {result.stderr.strip()}")


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)


@contextmanager
def read_only(target: Path) -> Iterator[Path]:
    """`target` (a folder or a file) bind-mounted read-only onto itself for the block."""
    _mount("--bind", str(target), str(target))
    try:
        remount = subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(target)], capture_output=True, check=False
        )
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr!r}")
        yield target
    finally:
        _umount(target)


@contextmanager
def tiny_tmpfs(target: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` (e.g. "64k") mounted on `target` for the block."""
    target.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target))
    try:
        yield target
    finally:
        _umount(target)
