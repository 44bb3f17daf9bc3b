"""`corpus verify`: folder and database compared by streaming both sides in batches."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from corpus_folder.names import NAME_PATTERN, corpus_name
from db import repository as repo


@dataclass
class VerifyReport:
    """Disagreements between the corpus folder and the database, by kind (file names)."""

    name_mismatch: list[str] = field(default_factory=list)
    content_changed: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    unknown_files: list[str] = field(default_factory=list)
    temp_files: list[str] = field(default_factory=list)
    trailing_newline: list[str] = field(default_factory=list)
    invalid_utf8: list[str] = field(default_factory=list)
    restored_files: list[str] = field(default_factory=list)
    # named like corpus files but symlinks, folders, fifos...: never read, indexed or exported
    not_regular: list[str] = field(default_factory=list)
    # WARC captures (`file@offset`): records the capture index lacks, files ending mid-record
    unindexed_captures: list[str] = field(default_factory=list)
    partial_captures: list[str] = field(default_factory=list)
    repaired: bool = False

    @property
    def ok(self) -> bool:
        """True when no problem of any kind was found."""
        problems = (
            self.name_mismatch, self.content_changed, self.missing_files, self.unknown_files,
            self.temp_files, self.trailing_newline, self.invalid_utf8, self.restored_files,
            self.not_regular, self.unindexed_captures, self.partial_captures,
        )  # fmt: skip
        return not any(problems)


def verify_folder(directory: Path, report: VerifyReport, session: Session) -> None:
    """Every file named like a corpus file: regular, valid, known, bytes as recorded."""
    batch: list[str] = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if not NAME_PATTERN.match(entry.name):
                continue
            if not entry.is_file(follow_symlinks=False):
                report.not_regular.append(entry.name)
                continue
            batch.append(entry.name)
            if len(batch) == repo.CHUNK_SIZE:
                _verify_files(directory, report, session, batch)
                batch = []
    _verify_files(directory, report, session, batch)
    for problems in (
        report.not_regular,
        report.invalid_utf8,
        report.trailing_newline,
        report.unknown_files,
        report.name_mismatch,
        report.content_changed,
    ):
        problems.sort()  # fmt: skip


def _verify_files(
    directory: Path, report: VerifyReport, session: Session, names: list[str]
) -> None:
    rows = {row.file_name: row for row in repo.checked_rows(session, names)}
    for name in names:
        _check_file(directory, report, name, rows.get(name))


def verify_rows(directory: Path, report: VerifyReport, session: Session) -> None:
    """Every row, in seq order: its file is there (or back, for a row flagged missing)."""
    for name, missing in repo.stream_file_names(session):
        present = _is_regular(directory / name)
        if not present and not missing:
            report.missing_files.append(name)
        elif present and missing:
            report.restored_files.append(name)


def _check_file(
    directory: Path, report: VerifyReport, name: str, row: repo.CheckedRow | None
) -> None:
    data = (directory / name).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        report.invalid_utf8.append(name)
    if data.endswith(b"\n"):
        report.trailing_newline.append(name)
    if row is None:
        report.unknown_files.append(name)
        return
    # Seeds and other folder files keep the names they came with.
    if row.origin == "crawl" and name != corpus_name(row.seq, digest):
        report.name_mismatch.append(name)
    if row.content_hash != digest:
        report.content_changed.append(name)


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False
