"""Site names opening a title, hashtag lines and broadcasters' help-line notices."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.parsers import extract
from crawler.parsers.chrome import clean_text_lines, is_chrome
from crawler.parsers.dom import parse_document
from crawler.parsers.headline import choose_headline, strip_site, suffixes
from crawler.parsers.metadata import metas
from crawler.parsers.notices import is_notice

SYNTHETIC = Path(__file__).parent.parent / "fixtures" / "pages"
HELPLINE = (
    "※ 우울감 등 말하기 어려운 고민이 있거나 주변에 이런 어려움을 겪는 가족·지인이 있을 경우 "
    "자살예방 상담전화 ☎109 또는 1393, 정신건강 상담전화 ☎1577-0199, 희망의 전화 ☎129, "
    "생명의 전화 ☎1588-9191, 청소년 전화 ☎1388 등에서 24시간 전문가의 상담을 받을 수 있습니다."
)
BODY = [
    "광주의 한 보건소가 상담 기록을 인공지능으로 분석해 위기 신호를 찾는 사업을 시작했다.",
    "보건소는 주민 동의를 받은 기록에서 수면과 식사, 대인 관계의 변화를 찾아 상담사에게 알린다.",
]


@pytest.mark.parametrize(
    ("title", "headline", "site"),
    [
        (
            "대전일보 모바일 :: 대전시, AI 반도체 유치 총력",
            "대전시, AI 반도체 유치 총력",
            "대전일보 모바일",
        ),
        ("KBS 뉴스 | 광주 AI 집적단지 예타 통과", "광주 AI 집적단지 예타 통과", "KBS 뉴스"),
        (
            "광주일보 - 광주시, AI 데이터센터 2단계 착수",
            "광주시, AI 데이터센터 2단계 착수",
            "광주일보",
        ),
    ],
)
def test_a_site_name_opening_the_title_is_removed(title: str, headline: str, site: str) -> None:
    assert strip_site(title) == headline
    assert site in suffixes(title)


@pytest.mark.parametrize(
    "title",
    [
        "AI 시대 : 광주가 준비하는 것",
        "4-4-2 포메이션으로 나선 광주",
        "광주 | 전남 상생 협약 체결 이후 첫 회의",
    ],
)
def test_a_title_opening_with_a_story_word_is_kept(title: str) -> None:
    assert strip_site(title) == title


def test_the_mobile_sites_name_is_never_the_headline() -> None:
    # Old behaviour: "대전일보 모바일" (the short story title was taken for a site suffix).
    extracted = extract((SYNTHETIC / "prefix_mobile_title.html").read_bytes(), "https://m.example/")
    assert extracted is not None
    assert extracted.headline == "대전·세종, AI 반도체 특화단지 공동 유치"


def test_the_board_name_in_the_title_gives_way_to_og_title() -> None:
    head = (
        "<title>보도자료 | 광주광역시청</title>"
        "<meta property='og:title' content='광주 인공지능인들, AI산업 상생발전 다짐'>"
    )
    root = parse_document(f"<html><head>{head}</head><body><h2>보도자료</h2></body></html>")
    assert root is not None
    headline = choose_headline(root, metas(root), None, "https://www.gwangju.go.kr/boardView.do")
    assert headline == "광주 인공지능인들, AI산업 상생발전 다짐"


@pytest.mark.parametrize(
    "line",
    [
        "#아스트로_문빈",
        "#아스트로_문빈 #문빈 #추모",
        "#전남광주특별시 #AI #갯벌",
        HELPLINE,
        "우울감 등 말하기 어려운 고민이 있거나 주변에 이런 어려움을 겪는 가족·지인이 있을 경우 "
        "자살예방상담전화 1393, 정신건강상담전화 1577-0199에서 24시간 상담을 받을 수 있습니다.",
        "자살예방 상담전화 109 / 정신건강 상담전화 1577-0199 / 생명의 전화 1588-9191",
        "(도움이 필요하면 자살예방상담전화 109)",
    ],
)
def test_hashtag_lines_and_help_line_notices_are_chrome(line: str) -> None:
    assert is_notice(line)
    assert is_chrome(line)


@pytest.mark.parametrize(
    "line",
    [
        "#1",
        "광주 #1 기업으로 꼽혔다.",
        "보건복지부는 자살예방상담전화 109를 1월부터 통합 운영한다고 밝혔다.",
        "정부는 자살예방상담전화 109와 정신건강상담전화를 하나로 묶는다고 밝혔다.",
        "상담전화 이용자는 지난해 30% 늘었다.",
        *BODY,
    ],
)
def test_reports_about_the_lines_are_kept(line: str) -> None:
    assert not is_notice(line)


def test_notice_and_hashtags_after_the_body_are_dropped() -> None:
    assert clean_text_lines([*BODY, HELPLINE, "#정신건강 #인공지능"]) == BODY


def test_a_broadcast_report_ends_with_its_sign_off() -> None:
    extracted = extract((SYNTHETIC / "helpline_notice.html").read_bytes(), "https://tv.example/")
    assert extracted is not None
    assert extracted.paragraphs[-1] == "남도방송 뉴스 이정훈입니다."
    assert not any("상담전화" in p or p.startswith("#") for p in extracted.paragraphs)
