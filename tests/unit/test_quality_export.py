"""Export formatting: JSON Lines and CSV round-trip Korean text, commas, quotes and newlines."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from newsmon.export import (
    EXPORT_FIELDS,
    CorpusStats,
    format_stats,
    iso_utc,
    kst_day_start,
    write_export,
)

KST_OFFSET = timezone(timedelta(hours=9))

HEADLINES = {
    "korean": "광주시, 국가AI컴퓨팅센터 유치 총력전",
    "comma": "광주·전남, AI 벨트 추진…예산 1,200억",
    "quotes": '강기정 시장 "광주 AI, 이제 산업으로"',
    "newline": "첫 줄\n둘째 줄",
    "crlf-and-semicolon": "세미콜론; 과 \r\n 줄바꿈",
}


def _row(headline: str, near: list[str]) -> dict[str, object]:
    return {
        "file": "005_0123456789abcdef.txt",
        "seq": 5,
        "url": "https://news.example.kr/news/articleView.html?idxno=7&a=1,2",
        "source": "jnilbo",
        "headline": headline,
        "published_at": datetime(2025, 6, 3, 17, 42, tzinfo=KST_OFFSET),
        "fetched_at": datetime(2025, 6, 3, 9, 0, 5, 123456, tzinfo=UTC),
        "content_hash": "ab" * 32,
        "near_duplicate_of": near,
    }


@pytest.mark.parametrize("headline", HEADLINES.values(), ids=HEADLINES.keys())
def test_jsonl_round_trips(headline: str) -> None:
    out = io.StringIO()
    near = ["https://a.example.kr/1", "https://b.example.kr/2"]
    assert write_export([_row(headline, near)], "jsonl", out) == 1
    lines = out.getvalue().split("\n")
    assert lines[1:] == [""]  # one line per row, even with newlines in the headline
    record = json.loads(lines[0])
    assert list(record) == list(EXPORT_FIELDS)
    assert record["headline"] == headline
    assert record["near_duplicate_of"] == near
    assert record["published_at"] == "2025-06-03T08:42:00+00:00"
    assert record["fetched_at"] == "2025-06-03T09:00:05+00:00"
    assert "\\u" not in lines[0]  # Hangul written as UTF-8 text, not escaped


@pytest.mark.parametrize("headline", HEADLINES.values(), ids=HEADLINES.keys())
def test_csv_round_trips(headline: str) -> None:
    out = io.StringIO()
    near = ["https://a.example.kr/1", "https://b.example.kr/2"]
    assert write_export([_row(headline, near), _row("둘째", [])], "csv", out) == 2
    records = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert [r["headline"] for r in records] == [headline, "둘째"]
    assert records[0]["url"] == "https://news.example.kr/news/articleView.html?idxno=7&a=1,2"
    assert records[0]["near_duplicate_of"] == "https://a.example.kr/1;https://b.example.kr/2"
    assert records[1]["near_duplicate_of"] == ""
    assert records[0]["published_at"] == "2025-06-03T08:42:00+00:00"
    assert records[0]["seq"] == "5"


def test_csv_writes_header_and_empty_cells_for_none() -> None:
    out = io.StringIO()
    row = _row("제목", []) | {"url": None, "source": None, "published_at": None}
    write_export([row], "csv", out)
    header, values = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert header == list(EXPORT_FIELDS)
    assert dict(zip(header, values, strict=True))["published_at"] == ""
    assert dict(zip(header, values, strict=True))["url"] == ""


def test_jsonl_keeps_none_as_null() -> None:
    out = io.StringIO()
    write_export([_row("제목", []) | {"published_at": None}], "jsonl", out)
    assert json.loads(out.getvalue())["published_at"] is None


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_no_rows(fmt: str) -> None:
    out = io.StringIO()
    assert write_export([], fmt, out) == 0  # type: ignore[arg-type]
    assert out.getvalue() == ("" if fmt == "jsonl" else ",".join(EXPORT_FIELDS) + "\n")


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ValueError, match="xml"):
        write_export([], "xml", io.StringIO())  # type: ignore[arg-type]


def test_iso_utc_converts_offsets() -> None:
    assert iso_utc(datetime(2025, 1, 1, 0, 30, tzinfo=KST_OFFSET)) == "2024-12-31T15:30:00+00:00"


def test_kst_day_start_is_utc_afternoon_before() -> None:
    assert kst_day_start(date(2025, 6, 1)) == datetime(2025, 5, 31, 15, 0, tzinfo=UTC)


def test_format_stats_text_and_dict() -> None:
    stats = CorpusStats(
        files=7,
        by_source={"jnilbo": 2, "unknown": 5},
        by_month={"2025-06": 2, "unknown": 5},
        exact_duplicates=3,
        near_duplicates=4,
        off_topic=9,
        no_body=1,
    )
    text = format_stats(stats)
    assert text.startswith("files: 7\n")
    assert "  jnilbo   2" in text
    assert "  2025-06  2" in text
    assert "  near duplicates   4" in text
    assert "missing" not in text
    assert stats.as_dict()["by_source"] == {"jnilbo": 2, "unknown": 5}
    assert json.loads(json.dumps(stats.as_dict()))["off_topic"] == 9


def test_format_stats_of_an_empty_corpus() -> None:
    text = format_stats(CorpusStats(files=0, missing=2))
    assert "by source: none" in text
    assert "missing files: 2" in text
