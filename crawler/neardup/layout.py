"""The index directory's layout: CURRENT, generation folders and their runs.json, written
atomically (temporary file, fsync, rename, fsync of the folder)."""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
from itertools import pairwise
from pathlib import Path

from crawler.neardup.runs import RunSpan
from crawler.neardup.shingling import SHINGLE_SIZE
from crawler.neardup.signature import BANDS, NUM_PERM

logger = logging.getLogger(__name__)

FORMAT = 2
FILES = ("docs.bin", "sigs.bin", "shingles.bin")
MANIFEST = "runs.json"
_PARAMETERS = {"format": FORMAT, "shingle_size": SHINGLE_SIZE, "num_perm": NUM_PERM, "bands": BANDS}


def stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_ino, info.st_mtime_ns


def read_current(directory: Path) -> str | None:
    """The live generation's name, or None when CURRENT is missing, unreadable or outdated."""
    try:
        current = json.loads((directory / "CURRENT").read_text(encoding="utf-8"))
        name = str(current["generation"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if any(current.get(field) != value for field, value in _PARAMETERS.items()):
        logger.warning("Near-duplicate index %s has other parameters; starting anew", directory)
        return None
    if not all((directory / name / file).is_file() for file in (*FILES, MANIFEST)):
        return None
    return name


def create_generation(directory: Path) -> str:
    name = f"gen-{secrets.token_hex(8)}"
    (directory / name).mkdir()
    for file in FILES:
        (directory / name / file).touch(exist_ok=False)
    write_manifest(directory / name, [], 0)
    return name


def read_manifest(path: Path) -> tuple[list[RunSpan], int]:
    manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    spans = [RunSpan(int(start), int(end)) for start, end in manifest["runs"]]
    if any(a.end != b.start for a, b in pairwise(spans)) or (spans and spans[0].start != 0):
        raise ValueError("runs do not follow each other")
    return spans, int(manifest["shingle_end"])


def write_manifest(path: Path, spans: list[RunSpan], shingle_end: int) -> None:
    temporary = path / f"{MANIFEST}.{os.getpid()}.tmp"
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump({"runs": [list(span) for span in spans], "shingle_end": shingle_end}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path / MANIFEST)
    fsync_directory(path)


def remove_unlisted_runs(path: Path, keep: set[str]) -> None:
    # Files of merged-away runs and of a seal a kill interrupted; readers that mapped them
    # keep their pages (POSIX unlink), and see the new runs.json on their next refresh.
    for file in path.glob("run-*"):
        if file.name.split(".", 1)[0] not in keep or file.name.endswith(".tmp"):
            file.unlink(missing_ok=True)


def write_current(directory: Path, name: str) -> None:
    temporary = directory / f"CURRENT.{os.getpid()}.tmp"
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump({**_PARAMETERS, "generation": name}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, directory / "CURRENT")
    fsync_directory(directory)


def remove_generations(directory: Path, keep: str) -> None:
    # Only the writer calls this, after switching CURRENT; it also clears generations left by
    # an interrupted rebuild. Readers of an old one keep their open descriptors (POSIX unlink).
    for path in directory.glob("gen-*"):
        if path.name != keep and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
