"""The named topics a ``[topic]`` table can start from with ``preset = "..."``."""

from __future__ import annotations

from collections.abc import Mapping

from crawler.topic.rules import Topic

# Places inside Gyeonggi-do's 광주시 and words that only contain "광주"; "하남" and "송정" are
# left out on purpose because Gwangju has its own (하남산단, 광주송정역).
GYEONGGI_GWANGJU_RIVALS = (
    "광주리",
    "오포읍",
    "오포동",
    "곤지암",
    "퇴촌면",
    "초월읍",
    "남한산성",
    "도척면",
    "남종면",
    "경안동",
    "경안천",
    "태전동",
    "쌍령동",
)

# The other metropolitan cities and provinces: "서울, 부산, 대구, 광주 등" names no one of them.
KOREAN_REGIONS = (
    "서울",
    "부산",
    "대구",
    "인천",
    "대전",
    "울산",
    "세종",
    "경기",
    "강원",
    "충북",
    "충남",
    "전북",
    "전남",
    "경북",
    "경남",
    "제주",
)

# Ways Korean news refers back to the city it just named; whole words only ("도시는" is not one).
CITY_ANAPHORA = ("시는", "시가", "시의", "시와", "시 관계자는", "시 관계자가")

# The term-list filter of the first version, kept for users who want counts, not weights
# (and as the baseline of bench/relevance.py).
TERMS_TOPIC = Topic(
    all=("광주",),
    any=("AI", "인공지능", "AX"),
    none=("경기 광주", "경기도 광주"),
    min_mentions=2,  # one headline mention, or two in the body outside enumerations
    headline_weight=2,
    min_any=2,  # one aside about "AI" in a football or 5·18 story is not enough
    same_sentence=True,
    none_scope="sentence",
    rivals=GYEONGGI_GWANGJU_RIVALS,
    peers=KOREAN_REGIONS,
    anaphora=CITY_ANAPHORA,
)

# The built-in topic: the shipped gazetteer's evidence, weighed (crawler/topic/score.py). The
# term lists only seed search queries ("광주 AI", "광주 인공지능", "광주 AX").
DEFAULT_TOPIC = Topic(all=("광주",), any=("AI", "인공지능", "AX"), evidence=True)

PRESETS: Mapping[str, Topic] = {"gwangju-ai": DEFAULT_TOPIC, "gwangju-ai-terms": TERMS_TOPIC}
