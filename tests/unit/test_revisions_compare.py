"""What counts as a revision (pure): article lines compared, counters and stamps ignored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.config import ConfigError, build_config
from crawler.revisions.compare import compare, content_lines, is_front_page, same_story
from crawler.revisions.schedule import next_slot

OLD = "광주 AI 사업 발표\n사업비는 4천억원 규모다.\n시는 기업에 장비를 개방한다.\n조회수 12"


@pytest.mark.parametrize(
    "new",
    [
        OLD.replace("조회수 12", "조회수 4,501"),
        OLD + "\n입력 2025.02.06 (19:08) 수정 2025.02.06 (20:24)",
        OLD.replace("\n", "\n  ").replace("규모다.", "규모다.\u200b"),
        OLD + "\n댓글 3",
    ],
    ids=["view-counter", "edit-stamp", "whitespace-invisible", "comment-count"],
)
def test_cosmetic_changes_are_no_revision(new: str) -> None:
    assert compare(OLD, new) is None


def test_changed_figure_counts_lines_and_tokens() -> None:
    change = compare(OLD, OLD.replace("4천억원", "3천억원"))
    assert change is not None and change.kind == "revised"
    assert (change.lines_added, change.lines_removed, change.tokens_changed) == (1, 1, 2)
    assert change.diff == ["-사업비는 4천억원 규모다.", "+사업비는 3천억원 규모다."]


def test_headline_only() -> None:
    change = compare(OLD, OLD.replace("발표", "재검토"))
    assert change is not None and change.kind == "headline"
    assert (change.headline_old, change.headline_new) == (
        "광주 AI 사업 발표",
        "광주 AI 사업 재검토",
    )
    assert (change.lines_added, change.lines_removed) == (0, 0)


def test_headline_and_body_is_a_revision_with_both_headlines() -> None:
    change = compare(OLD, OLD.replace("발표", "연기") + "\n※ 바로잡습니다.")
    assert change is not None and change.kind == "revised"
    assert change.headline_new == "광주 AI 사업 연기" and change.lines_added == 1


def test_content_lines_drop_only_furniture() -> None:
    assert content_lines("제목\n조회 1,234회\n본문 조회수가 늘었다\n승인 2025-02-06 20:24") == [
        "제목",
        "본문 조회수가 늘었다",
    ]


def test_same_story_and_front_page() -> None:
    moved = OLD.replace("발표", "발표 (종합)")
    assert same_story(OLD, moved)  # most paragraphs still there
    assert not same_story(OLD, "다른 기사\n전혀 다른 본문이다.\n또 다른 문단.")
    assert is_front_page("https://news.example.kr/")
    assert is_front_page("https://news.example.kr/index.html")
    assert is_front_page("https://news.example.kr/main/", "https://news.example.kr/main")
    assert not is_front_page("https://news.example.kr/news/articleView.html?idxno=3")


T0 = datetime(2026, 12, 1, tzinfo=UTC)
SLOTS = (3600.0, 21600.0, 86400.0, 259200.0)


@pytest.mark.parametrize(
    ("late", "after", "expected"),
    [
        (timedelta(hours=1, minutes=1), 0, (1, T0 + timedelta(hours=6))),
        (timedelta(hours=30), 0, (3, T0 + timedelta(hours=72))),  # missed slots: one request
        (timedelta(hours=73), 0, None),
        (timedelta(hours=72, minutes=1), 3, None),
    ],
    ids=["on-time", "late-skips", "over", "last"],
)
def test_next_slot(late: timedelta, after: int, expected: object) -> None:
    assert next_slot(T0, SLOTS, T0 + late, after) == expected


def test_schedule_config() -> None:
    config = build_config({}, where="x", env={})
    assert config.revisions.recheck == SLOTS and config.revisions.corpus == "first"
    env = {"NEWSMON_REVISIONS_RECHECK": "30m, 2h", "NEWSMON_REVISIONS_CORPUS": "latest"}
    config = build_config({}, where="x", env=env)
    assert config.revisions.recheck == (1800.0, 7200.0) and config.revisions.corpus == "latest"
    assert build_config({"revisions": {"recheck": []}}, where="x", env={}).revisions.recheck == ()
    with pytest.raises(ConfigError, match=r"revisions\.recheck': durations must be given in incr"):
        build_config({"revisions": {"recheck": ["6h", "1h"]}}, where="x", env={})
    with pytest.raises(ConfigError, match=r"revisions\.corpus': expected one of first, latest"):
        build_config({"revisions": {"corpus": "newest"}}, where="x", env={})
