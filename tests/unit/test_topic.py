"""Tests for term-list topics: matching rules, knobs, presets and configuration errors.

The evidence topic (the built-in gwangju-ai) is tested in test_topic_evidence.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.topic import (
    DEFAULT_TOPIC,
    PRESETS,
    TERMS_TOPIC,
    Topic,
    TopicConfigError,
    TopicDecision,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
LABELLED = FIXTURES / "relevance" / "labelled.jsonl"
PLAIN = Topic(all=("광주",), any=("AI", "인공지능", "AX"), none=("경기 광주", "경기도 광주"))

ON_TOPIC_BODY = (
    "광주시가 국가AI컴퓨팅센터 유치에 나섰다.\n"
    "광주 첨단3지구 AI집적단지에는 국가AI데이터센터가 있다.\n"
    "시는 인공지능 기업 100곳을 더 유치할 계획이다."
)


@pytest.mark.parametrize(
    ("term", "text", "found"),
    [
        ("AI", "AI산업 육성", True),
        ("AI", "국가AI데이터센터", True),
        ("AI", "AI·빅데이터", True),
        ("AI", "생성형 AI가", True),
        ("AI", "ＡＩ 반도체", True),
        ("AI", "E-MAIL 보안", False),
        ("AI", "GWANGJU-TAIWAN 노선", False),
        ("AI", "AIA생명", False),
        ("AI", "OpenAI 모델", False),
        ("AI", "Airbus 부품", False),
        ("AI", "kbs.ai 주소", False),
        ("AX", "AX실증", True),
        ("AX", "MAX 봉사단", False),
        ("AX", "AXA손해보험", False),
        ("광주", "광주는", True),
        ("광주", "광주시가", True),
        ("광주", "광주의", True),
        ("경기 광주", "경기광주시", True),
        ("경기 광주", "경기  광주시", True),
        ("경기도 광주", "경기 광주시", False),
    ],
    ids=lambda value: str(value),
)
def test_term_matching(term: str, text: str, found: bool) -> None:
    assert Topic(all=(term,)).matches("", text) is found


def test_plain_table_keeps_literal_none() -> None:
    body = ON_TOPIC_BODY + "\n서울, 부산, 경기 광주 등에서도 관람객이 왔다."
    assert PLAIN.decide("광주 AI 박람회", body) == TopicDecision(False, "excluded:경기 광주")


@pytest.mark.parametrize(
    ("headline", "body", "reason"),
    [
        ("광주 AI 박람회", ON_TOPIC_BODY + "\n서울, 경기 광주 등에서도 왔다.", "ok"),
        (
            "광주시, AI 챗봇 도입",
            "경기 광주시가 AI 챗봇을 도입했다.\n광주시는 AI 상담을 늘린다.",
            "namesake:경기 광주",
        ),
        (
            "경기도 광주시 AI 물류",
            "광주시는 AI 물류센터를 유치했다.\nAI 로봇이 일한다.",
            "namesake:경기도 광주",
        ),
        (
            "광주시, AI 교차로",
            "광주시가 오포읍 교차로에 AI 신호를 도입한다.\n광주시는 AI를 늘린다.",
            "namesake:오포읍",
        ),
        (
            "광주리 공예 체험",
            "광주리를 엮는 AI 로봇이 화제다. 광주리 장인은 AI를 배웠다.",
            "namesake:광주리",
        ),
        ("광주 AI 농업…광주리 대신 로봇", ON_TOPIC_BODY, "ok"),
    ],
    ids=[
        "passing-gyeonggi-kept",
        "gyeonggi-first",
        "gyeonggi-headline",
        "gyeonggi-place",
        "basket",
        "basket-later",
    ],
)
def test_default_sets_namesakes_apart(headline: str, body: str, reason: str) -> None:
    assert TERMS_TOPIC.decide(headline, body).reason == reason


@pytest.mark.parametrize(
    ("headline", "body", "reason"),
    [
        (
            "정부, AI 거점 지정",
            "AI 거점은 광주가 맡는다. AI 예산도 늘린다.",
            "too_few_mentions:1<2",
        ),
        ("광주 AI 기업 이전", "AI 기업 15곳이 이전한다. 인공지능 인재도 온다.", "ok"),
        (
            "AI 바우처 배분",
            "AI 바우처는 서울, 대구, 광주 순이었다. 광주·전남 AI 기업도 받았다.",
            "too_few_mentions:1<2",
        ),
        ("AI 바우처 배분", "AI 바우처는 광주·전남 기업이 받았다. 광주 AI 기업이 웃었다.", "ok"),
        (
            "광주FC 역전승",
            "광주FC가 이겼다. 광주 팬이 환호했다. 전광판에는 AI 영상이 나왔다.",
            "too_few_any:1<2",
        ),
        ("5·18 기념식", "5·18 기념식이 광주에서 열렸다. 광주시민이 모였다.", "missing_any"),
        (
            "서울 AI 단속",
            "서울시가 AI 단속을 늘린다. AI 카메라가 번호판을 읽는다.",
            "missing_all:광주",
        ),
    ],
    ids=[
        "one-mention",
        "headline-weight",
        "enumeration",
        "pair-counts",
        "one-ai-aside",
        "no-ai",
        "no-gwangju",
    ],
)
def test_default_counts_mentions(headline: str, body: str, reason: str) -> None:
    decision = TERMS_TOPIC.decide(headline, body)
    assert decision.reason == reason
    assert decision.matched is (reason == "ok")
    assert TERMS_TOPIC.matches(headline, body) is decision.matched


@pytest.mark.parametrize(
    ("weight", "matched"), [(1, False), (2, True)], ids=["weight-1", "weight-2"]
)
def test_headline_weight(weight: int, matched: bool) -> None:
    topic = Topic(all=("광주",), any=("AI",), min_mentions=3, headline_weight=weight)
    assert topic.matches("광주 AI 창업", "광주시가 AI 펀드를 만든다.") is matched


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("광주시가 AI 펀드를 만든다.", "ok"),
        (
            "광주시가 펀드를 만든다. " + "창업 기업을 모은다. " * 5 + "AI 기업이다.",
            "any_not_near:30",
        ),
    ],
    ids=["near", "far"],
)
def test_near(body: str, reason: str) -> None:
    assert Topic(all=("광주",), any=("AI",), near=30).decide("창업", body).reason == reason


@pytest.mark.parametrize(
    ("headline", "body", "reason"),
    [
        (
            "광주 도심 뺑소니범 검거…AI CCTV로 추적",
            "광주 서구에서 달아난 운전자가 붙잡혔다.\n경찰은 AI CCTV로 도주 경로를 파악했다.",
            "any_not_with_all",
        ),
        (
            "광주 AI 기업 박람회",
            "광주 김대중컨벤션센터에서 AI 박람회가 열렸다.\n120개사가 참가했다.",
            "ok",
        ),
        ("광주 AI 기업 박람회", "국내외 AI 기업 120개사가 참가했다.", "ok"),
    ],
    ids=["ai-as-a-tool", "lead-pairs-them", "headline-only-mention"],
)
def test_same_sentence(headline: str, body: str, reason: str) -> None:
    assert TERMS_TOPIC.decide(headline, body).reason == reason


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("광주시가 GPU 센터를 늘린다.\n시는 AI 기업 수요가 많다고 했다.", "ok"),
        ("광주시가 GPU 센터를 늘린다.\n시 관계자는 AI 기업 수요가 많다고 했다.", "ok"),
        ("광주시가 GPU 센터를 늘린다.\n도시는 AI 기업 수요가 많다고 했다.", "too_few_mentions:1<2"),
        (
            "광주시가 부산시와 GPU 센터를 늘린다.\n시는 AI 기업 수요가 많다고 했다.",
            "too_few_mentions:1<2",
        ),
        ("GPU 센터를 늘린다.\n시는 AI 기업 수요가 많다고 했다.", "missing_all:광주"),
    ],
    ids=["si-neun", "si-official", "dosi-is-not-si", "busan-named-last", "nothing-to-refer-to"],
)
def test_anaphora_refers_back(body: str, reason: str) -> None:
    assert TERMS_TOPIC.decide("AI 인프라 확충", body).reason == reason


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            "광주시가 AI 안전 시스템을 구축했다.\nAI 카메라가 과속을 감지한다.\n"
            "시는 우선 오포읍 일대 학교에 설치했다.",
            "namesake:오포읍",
        ),
        (
            "광주시가 AI 안전 시스템을 구축했다.\nAI 카메라가 과속을 감지한다.\n"
            "경기 광주시 오포읍 학교도 견학을 왔다.",
            "ok",
        ),
    ],
    ids=["place-never-contrasted", "contrasted-in-full"],
)
def test_namesake_place_later_in_the_article(body: str, reason: str) -> None:
    assert TERMS_TOPIC.decide("광주시, AI 안전 시스템", body).reason == reason


def test_presets_give_the_built_in_topics() -> None:
    assert Topic.from_mapping({"preset": "gwangju-ai"}, where="newsmon.toml") == DEFAULT_TOPIC
    assert PRESETS["gwangju-ai"] is DEFAULT_TOPIC
    terms = Topic.from_mapping({"preset": "gwangju-ai-terms"}, where="newsmon.toml")
    assert terms == TERMS_TOPIC


def test_preset_keys_override_one_setting() -> None:
    table = {"preset": "gwangju-ai-terms", "any": ["AI", "인공지능", "AX", "GPU"], "min_any": 1}
    topic = Topic.from_mapping(table, where="newsmon.toml")
    assert topic.any == ("AI", "인공지능", "AX", "GPU")
    assert topic.min_any == 1
    assert topic.rivals == TERMS_TOPIC.rivals
    assert topic.anaphora == TERMS_TOPIC.anaphora


@pytest.mark.parametrize("preset", ["seoul-ai", 1], ids=["unknown-name", "not-a-string"])
def test_unknown_preset_is_an_error(preset: object) -> None:
    with pytest.raises(TopicConfigError, match="preset") as error:
        Topic.from_mapping({"preset": preset}, where="conf/newsmon.toml")
    assert "conf/newsmon.toml" in str(error.value)


def test_plain_table_has_literal_semantics() -> None:
    table = {"all": ["광주"], "any": ["AI", "인공지능", "AX"], "none": ["경기 광주"]}
    topic = Topic.from_mapping(table, where="newsmon.toml")
    assert topic == Topic(all=("광주",), any=("AI", "인공지능", "AX"), none=("경기 광주",))
    # One passing mention of each term is enough for a plain table, unlike the preset.
    body = "서울시가 AI 단속을 늘린다. 광주도 검토 중이다."
    assert topic.decide("단속 확대", body) == TopicDecision(True, "ok")
    assert not TERMS_TOPIC.matches("단속 확대", body)


def test_empty_topic_keeps_everything() -> None:
    assert Topic().decide("아무 기사", "본문") == TopicDecision(True, "ok")


def test_from_mapping_reads_a_toml_table() -> None:
    table = {"all": ["광주"], "any": ["AI"], "none": ["경기 광주"], "min_mentions": 2}
    topic = Topic.from_mapping(table, where="newsmon.toml")
    assert topic == Topic(all=("광주",), any=("AI",), none=("경기 광주",), min_mentions=2)


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"alll": ["광주"]}, "alll"),
        ({"all": "광주"}, "all"),
        ({"any": ["AI", ""]}, "any"),
        ({"none": [1]}, "none"),
        ({"min_mentions": "2"}, "min_mentions"),
        ({"min_mentions": 0}, "min_mentions"),
        ({"headline_weight": True}, "headline_weight"),
        ({"near": -1}, "near"),
        ({"none_scope": "paragraph"}, "none_scope"),
        ({"same_sentence": 1}, "same_sentence"),
        ({"anaphora": ["시는", " "]}, "anaphora"),
    ],
    ids=[
        "unknown",
        "string-not-list",
        "empty-term",
        "not-string",
        "int-as-string",
        "zero",
        "bool",
        "negative",
        "scope",
        "flag-not-bool",
        "blank-anaphor",
    ],
)
def test_from_mapping_errors_name_key_and_file(table: dict[str, object], key: str) -> None:
    with pytest.raises(TopicConfigError) as error:
        Topic.from_mapping(table, where="conf/newsmon.toml")
    assert key in str(error.value)
    assert "conf/newsmon.toml" in str(error.value)


def test_direct_construction_is_validated() -> None:
    with pytest.raises(TopicConfigError, match="min_any"):
        Topic(min_any=0)


@pytest.mark.parametrize("path", sorted((FIXTURES / "seeds").glob("*.txt")), ids=lambda p: p.stem)
def test_seed_articles_are_on_topic(path: Path) -> None:
    headline, _, body = path.read_text(encoding="utf-8").partition("\n")
    assert TERMS_TOPIC.decide(headline, body) == TopicDecision(True, "ok")


@pytest.mark.parametrize(
    "path", sorted((FIXTURES / "korean-news" / "gold").glob("*.txt")), ids=lambda p: p.stem
)
def test_stored_off_topic_pages_are_rejected(path: Path) -> None:
    headline, _, body = path.read_text(encoding="utf-8").partition("\n")
    assert not TERMS_TOPIC.matches(headline, body)
    assert not DEFAULT_TOPIC.matches(headline, body)
