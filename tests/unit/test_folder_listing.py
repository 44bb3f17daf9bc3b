"""The corpus folder's compact listing: corpus files only, in (number, name) order."""

from __future__ import annotations

import os
from pathlib import Path

from corpus_folder.listing import FolderNames


def test_listing_holds_corpus_files_in_number_then_name_order(tmp_path: Path) -> None:
    names = [
        "010_0000000000000002.txt", "1000_000000000000000a.txt", "010_0000000000000000.txt",
        "002_000000000000000a.txt", "010_0000000000000001.txt", "003_000000000000000a.txt",
    ]  # fmt: skip
    for name in [*names, "notes.txt", "004_short.txt"]:
        (tmp_path / name).write_text("본문", encoding="utf-8")
    (tmp_path / "005_000000000000000a.txt").mkdir()  # not a regular file
    os.symlink(tmp_path / "notes.txt", tmp_path / "006_000000000000000a.txt")
    listing = FolderNames.of(tmp_path)
    expected = sorted(names, key=lambda name: (int(name.split("_")[0]), name))
    assert list(listing) == expected and len(listing) == 6
    assert listing[1:3] == expected[1:3] and listing[-1] == "1000_000000000000000a.txt"
    assert listing.max_seq == 1000 and listing.pairs(0, 2) == [(2, expected[0]), (3, expected[1])]


def test_empty_folder(tmp_path: Path) -> None:
    listing = FolderNames.of(tmp_path)
    assert len(listing) == 0 and list(listing) == [] and listing.max_seq == -1
