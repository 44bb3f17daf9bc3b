"""The index's 96-byte document records: build them, and check them on load or on lookup."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

RECORD = np.dtype(
    [("magic", "<u4"), ("count", "<u4"), ("offset", "<u8"), ("key", "S76"), ("crc", "<u4")]
)
MAGIC = 0x3152444E  # "NDR1"
_CRC_SPAN = RECORD.itemsize - 4


class Record(NamedTuple):
    """One sealed document's record, read back for a lookup."""

    key: str
    shingles: int  # how many shingle hashes the document has
    offset: int


def valid_prefix(
    raw: bytes, records: np.ndarray, shingle_end: int, shingle_room: int, sig_room: int
) -> int:
    """How many leading records are whole, consistent and point at data that exists."""
    counts = records["count"].astype(np.int64)
    ends = shingle_end + np.cumsum(counts)
    ok = (records["magic"] == MAGIC) & (records["offset"].astype(np.int64) == ends - counts)
    ok &= (ends <= shingle_room) & (np.arange(1, len(records) + 1) <= sig_room)
    bad = np.flatnonzero(~ok)
    limit = int(bad[0]) if bad.size else len(records)
    crcs = records["crc"].tolist()
    for index in range(limit):
        begin = index * RECORD.itemsize
        if zlib.crc32(raw[begin : begin + _CRC_SPAN]) != crcs[index]:
            return index
    return limit


def parse_record(raw: bytes) -> Record | None:
    """A whole record with its magic and checksum right, else None (damage)."""
    if len(raw) != RECORD.itemsize or zlib.crc32(raw[:_CRC_SPAN]) != int.from_bytes(
        raw[_CRC_SPAN:], "little"
    ):
        return None
    record = np.frombuffer(raw, dtype=RECORD)[0]
    if int(record["magic"]) != MAGIC:
        return None
    key = bytes(record["key"]).decode("utf-8")
    return Record(key=key, shingles=int(record["count"]), offset=int(record["offset"]))


def build_records(keys: Sequence[str], counts: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    encoded = [key.encode("utf-8") for key in keys]
    for key, raw in zip(keys, encoded, strict=True):
        if len(raw) > RECORD["key"].itemsize or b"\0" in raw or not raw:
            raise ValueError(f"unusable index key {key!r} (1-76 UTF-8 bytes, no NUL)")
    records = np.zeros(len(keys), dtype=RECORD)
    records["magic"] = MAGIC
    records["count"] = counts
    records["offset"] = offsets
    records["key"] = encoded
    rows = memoryview(records.tobytes())
    size = RECORD.itemsize
    records["crc"] = [zlib.crc32(rows[at : at + _CRC_SPAN]) for at in range(0, len(rows), size)]
    return records
