"""The topic after the merger (전남광주특별시), in English, and against names holding "AI"."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bench.relevance import load, score
from crawler.config import ConfigError, load_config
from crawler.topic import DEFAULT_TOPIC, Topic, TopicConfigError
from crawler.topic.explain import explain
from crawler.topic.merger import MERGER_DAY, after_merger
from crawler.topic.text import term_pattern
from newsmon.cli import main
from newsmon.topics import format_explanation
from tests.paths import FIXTURES

AFTER = date(2026, 8, 1)
BEFORE = date(2026, 6, 30)
NARROW = Topic.from_mapping({"preset": "gwangju-ai", "merged_region": False}, where="test")

# Written for these tests, not taken from the benchmark set.
HAENAM = (
    "특별시, 해남에 AI 학습용 데이터센터 짓는다",
    "전남광주특별시가 해남 기업도시에 인공지능 학습용 데이터센터를 짓는다.\n"
    "해남 부지는 재생에너지 단지와 맞닿아 있어 전력 비용이 낮다.\n"
    "특별시는 해남 센터를 서남권 AI 거점으로 키우겠다고 밝혔다.\n"
    "해남군민 설명회는 다음 달 열린다.",
)
SOLARSEADO = (
    "해남 솔라시도 AI 데이터센터 착공",
    "해남 솔라시도에서 인공지능 데이터센터가 착공했다.\n"
    "전남도는 해남 센터에 GPU 2만장이 들어간다고 밝혔다.\n"
    "광주시도 AI 협력을 약속했다.",
)
CITY = (
    "광주특별시, 생성형 AI 실증 기업 40곳 선정",
    "광주특별시가 생성형 AI 실증 기업 40곳을 선정했다.\n"
    "특별시는 광주청사에서 협약식을 열고 기업마다 GPU 사용료를 지원한다.\n"
    "전남 동부권 기업 6곳도 포함됐다.",
)


def test_after_merger_reads_dates_in_korean_time() -> None:
    assert not after_merger(None) and not after_merger(BEFORE)
    assert after_merger(MERGER_DAY) and after_merger(AFTER)
    # 2026-06-30 15:00 UTC is already 2026-07-01 in Korea.
    assert after_merger(datetime(2026, 6, 30, 15, 0, tzinfo=UTC))
    assert not after_merger(datetime(2026, 6, 30, 14, 59, tzinfo=UTC))


def test_integrated_city_names_are_gwangju_and_province_is_not_against_it() -> None:
    decision = DEFAULT_TOPIC.decide(*CITY, AFTER)
    assert decision.matched, decision.reason
    assert decision.assessment is not None
    assert decision.assessment.elsewhere == ("no other place", 0.0)
    # The same names carry the story before the merger too (the city was being planned).
    assert DEFAULT_TOPIC.decide(*CITY, BEFORE).matched


def test_former_province_place_depends_on_date_and_setting() -> None:
    after = DEFAULT_TOPIC.decide(*HAENAM, AFTER)
    assert after.matched and after.assessment is not None
    assert after.assessment.elsewhere == ("no other place", 0.0)
    before = DEFAULT_TOPIC.decide(*HAENAM, BEFORE)
    assert not before.matched and "전남 weighs 6" in before.reason
    narrow = NARROW.decide(*HAENAM, AFTER)
    assert not narrow.matched and "former 전남 weighs" in narrow.reason
    # Before the merger a 해남 story is another place's, whatever the setting.
    assert not DEFAULT_TOPIC.decide(*SOLARSEADO, BEFORE).matched
    assert not DEFAULT_TOPIC.decide(*SOLARSEADO).matched  # undated: read as before


def test_narrow_setting_keeps_the_province_name_neutral() -> None:
    decision = NARROW.decide(*CITY, AFTER)
    assert decision.matched, decision.reason
    assert decision.assessment is not None
    rows = [m for m in decision.assessment.mentions if m.text == "전남"]
    assert rows and all(m.kind == "word" for m in rows)


def test_explain_shows_the_merger_rule_when_it_applies() -> None:
    data = explain(DEFAULT_TOPIC, *HAENAM, AFTER)
    assert data["merger_rule"]["merged_region"] is True
    assert data["merger_rule"]["article_date"] == "2026-08-01"
    assert "merged_region = true" in data["merger_rule"]["rule"]
    rows = [row for row in data["evidence"] if row["term"] == "해남"]
    assert rows and all(row["kind"] == "place" and row["counted"] for row in rows)
    assert "merger rule (article dated 2026-08-01)" in format_explanation(data)
    before = explain(DEFAULT_TOPIC, *HAENAM, BEFORE)
    assert "dated before 2026-07-01" in before["merger_rule"]["rule"]
    plain = explain(DEFAULT_TOPIC, "광주 AI 기업 이전", "광주시에 AI 기업이 온다.", AFTER)
    assert "merger_rule" not in plain


ENGLISH_ON = (
    "Gwangju picks 20 startups for AI data center program",
    "Gwangju Metropolitan City selected 20 startups to use the National AI Data Center.\n"
    "The city said the firms will train artificial intelligence models on its GPUs.\n"
    "GIST researchers will mentor the companies.",
)


@pytest.mark.parametrize(
    ("headline", "body", "on_topic"),
    [
        (*ENGLISH_ON, True),
        (
            "AICA opens testbed for medical AI",
            "The Artificial Intelligence Industry Cluster Agency opened a medical AI testbed.\n"
            "Hospitals in Gwangju will share anonymised data with AI firms.\n"
            "The agency said Gwangju's AI cluster now hosts 300 companies.",
            True,
        ),
        (
            "Busan unveils AI port plan",
            "Busan will use artificial intelligence to run its container port.\n"
            "The city said Busan's AI plan costs 500 billion won.\n"
            "Gwangju and Daegu have similar plans.",
            False,
        ),
        (
            "Gwangju, Gyeonggi Province, adds AI buses",
            "Gwangju in Gyeonggi Province put AI-guided buses on routes to Opo.\n"
            "Gyeonggi Province paid half the cost of the artificial intelligence system.",
            False,
        ),
    ],
    ids=["gwangju-ai", "aica", "busan", "gyeonggi-namesake"],
)
def test_english_articles_are_judged_on_english_evidence(
    headline: str, body: str, on_topic: bool
) -> None:
    assert DEFAULT_TOPIC.decide(headline, body, date(2025, 5, 1)).matched is on_topic


def test_lower_case_terms_match_any_case_acronyms_only_capitals() -> None:
    assert term_pattern("artificial intelligence").search("ARTIFICIAL INTELLIGENCE lab")
    assert term_pattern("Gwangju").search("GWANGJU")
    assert not term_pattern("AI").search("ai")
    assert not term_pattern("GIST").search("gist of it")


@pytest.mark.parametrize(
    ("headline", "body", "sense"),
    [
        (
            "AI페퍼스, 원정서 3-0 완승",
            "광주 연고 AI페퍼스가 원정 경기에서 세트스코어 3-0으로 이겼다.\n"
            "AI페퍼스는 2연승을 달렸다.\n광주 팬 500명이 원정 응원을 갔다.",
            None,
        ),
        (
            "광주 첨단 아파트 분양…AI 집적단지 직주근접",
            "광주 북구 첨단지구 아파트가 분양에 나섰다.\n"
            "전용면적 84㎡ 500세대로 청약은 다음 주다.\n"
            "분양 관계자는 AI 집적단지 직주근접을 내세웠다.\n견본주택은 광산구에 있다.",
            "AI named in a property story",
        ),
        (
            "광주시 올해 업무계획 발표",
            "광주시가 올해 업무계획을 내놨다.\n"
            "광주시는 교통, 복지, 문화, AI, 환경, 청년 등 6개 분야에 예산을 나눴다.\n"
            "시는 도시철도 공사에 가장 많이 쓴다.",
            "AI listed among other subjects",
        ),
        (
            "타이거즈, 홈경기 5연승…광주 팬 2만명",
            "타이거즈가 광주 홈경기에서 5연승을 달렸다.\n"
            "이번 시즌 도입된 AI 투구 판독 시스템이 판정 시비를 줄였다.\n"
            "타이거즈는 주말 원정 3연전에 나선다.\n광주 팬 2만명이 경기장을 찾았다.",
            "AI named in a sports story",
        ),
    ],
    ids=["team-name", "property-aside", "listed-subject", "sports-aside"],
)
def test_names_and_asides_are_not_ai_evidence(headline: str, body: str, sense: str | None) -> None:
    decision = DEFAULT_TOPIC.decide(headline, body, date(2025, 5, 1))
    assert not decision.matched
    assert decision.assessment is not None
    if sense:
        assert any(m.sense == sense for m in decision.assessment.mentions)


def test_ai_hub_story_with_a_sports_word_keeps_its_evidence() -> None:
    body = (
        "광주시가 AI 집적단지 2단계 사업에 들어간다.\n"
        "시는 인공지능 기업 100곳을 더 유치하고, 스포츠 분석 AI 기업도 시즌 전에 입주한다.\n"
        "AI 데이터센터도 늘린다."
    )
    assert DEFAULT_TOPIC.decide("광주 AI 집적단지 2단계 착수", body, AFTER).matched


def test_gyeonggi_gwangju_by_regulation_and_towns() -> None:
    decision = DEFAULT_TOPIC.decide(
        '광주시장 후보 "AI 데이터센터 유치"',
        "광주시장 후보가 곤지암에 AI 데이터센터를 유치하겠다고 밝혔다.\n"
        "후보는 수도권 규제와 자연보전권역 탓에 막힌 오포 개발도 풀겠다고 했다.",
        date(2026, 5, 20),
    )
    assert not decision.matched


def test_merged_region_setting_in_file_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "my.toml"  # not ./newsmon.toml: the env case reads no file
    path.write_text('[topic]\npreset = "gwangju-ai"\nmerged_region = false\n', encoding="utf-8")
    assert load_config(path, env={}).topic == NARROW
    env = {"NEWSMON_TOPIC_MERGED_REGION": "false"}
    topic = load_config(None, env=env).topic
    assert topic is not None and topic.evidence and topic.merged_region is False
    with pytest.raises(TopicConfigError, match="merged_region"):
        Topic.from_mapping({"all": ["광주"], "merged_region": False}, where="x")
    path.write_text('[topic]\npreset = "gwangju-ai"\nmerged_region = "no"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="merged_region must be true or false"):
        load_config(path, env={})


def test_explain_command_takes_the_article_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("\n".join(HAENAM), encoding="utf-8")
    config = tmp_path / "newsmon.toml"
    config.write_text('[topic]\npreset = "gwangju-ai"\n', encoding="utf-8")
    assert (
        main(["topic", "explain", str(article), "--date", "2026-06-01", "--config", str(config)])
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("OFF TOPIC") and "dated before 2026-07-01" in out
    assert (
        main(["topic", "explain", str(article), "--date", "2026-09-01", "--config", str(config)])
        == 0
    )
    assert capsys.readouterr().out.startswith("ON TOPIC")


WORLD = load(FIXTURES / "relevance" / "world2026.jsonl")


def test_world_set_covers_its_classes_with_a_fixed_held_out_third() -> None:
    assert len(WORLD) >= 40 and len({e.id for e in WORLD}) == len(WORLD)
    categories = {e.category for e in WORLD}
    assert {"merged_city", "merged_region", "english", "team_name", "property"} <= categories
    for example in WORLD:
        digest = int(hashlib.sha256(example.id.encode()).hexdigest(), 16)
        assert example.split == ("heldout" if digest % 3 == 0 else "train")
        assert example.published is not None


@pytest.mark.parametrize("split", ["train", "heldout"])
def test_precision_and_recall_on_the_world_set(split: str) -> None:
    scores = score(DEFAULT_TOPIC.matches, (e for e in WORLD if e.split == split))
    assert scores.tp > 0 and scores.precision >= 0.95 and scores.recall >= 0.95


def test_narrow_setting_drops_the_former_province_stories() -> None:
    region = [e for e in WORLD if e.category == "merged_region"]
    kept = [e.id for e in region if NARROW.matches(e.headline, e.body, e.published)]
    # Kept: the 나주 centre that shares data with the former city's AI cluster (a link story).
    assert region and kept == ["mr-02"]
    city = [e for e in WORLD if e.category == "merged_city"]
    assert all(NARROW.matches(e.headline, e.body, e.published) for e in city)
