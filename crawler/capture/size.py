"""How big the archive is: WARC files and bytes on disk, captures indexed (pure, no Scrapy)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from crawler.capture.record import WARC_SUFFIX as SUFFIX


@dataclass(frozen=True)
class ArchiveSize:
    """The archive folder's WARC files and bytes, and how many captures the index holds."""

    dir: str
    files: int
    bytes: int
    records: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        return (
            f"{self.records} captures in {self.files} WARC files, {_size(self.bytes)} ({self.dir})"
        )


def archive_size(directory: Path, records: int) -> ArchiveSize:
    """Sum the WARC files of `directory` (0 when it does not exist yet)."""
    files = total = 0
    if directory.is_dir():
        for path in directory.iterdir():
            if path.name.endswith(SUFFIX) and path.is_file():
                files += 1
                total += path.stat().st_size
    return ArchiveSize(str(directory), files, total, records)


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
