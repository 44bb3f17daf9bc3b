"""Headline choice (never the outlet's name), repeated headline and summary lines, body tails."""

from __future__ import annotations

import pytest

from crawler.parsers import extract
from crawler.parsers.dom import parse_document
from crawler.parsers.edges import drop_trailing_chrome, is_trailing_chrome
from crawler.parsers.headline import choose_headline, strip_site
from crawler.parsers.metadata import metas

URL = "https://news.kbs.co.kr/news/pc/view/view.do?ncd=8123456"
HEADLINE = "무등산 국립공원 탐방로 정비 마치고 다시 열려"
PARAGRAPHS = [
    "무등산 국립공원의 주요 탐방로가 석 달 동안의 정비를 마치고 다시 열렸습니다.",
    "국립공원공단은 낙석 위험이 컸던 구간에 안전 난간과 계단을 새로 설치했다고 밝혔습니다.",
    "공단은 가을 단풍철을 앞두고 탐방객이 늘 것으로 보고 안전 요원을 추가로 배치합니다.",
]


def page(head: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return (
        f"<html><head><meta charset='utf-8'>{head}</head><body>{body}"
        f"<div id='article-view-content-div'>{paragraphs}</div></body></html>"
    ).encode()


def headline_of(head: str, body: str = "", url: str = URL) -> str | None:
    root = parse_document(page(head, body).decode())
    assert root is not None
    return choose_headline(root, metas(root), None, url)


def test_title_that_is_the_channel_name_gives_way_to_the_h1() -> None:
    head = (
        "<title>KBS 뉴스</title><meta property='og:title' content='KBS 뉴스'>"
        "<meta property='og:site_name' content='KBS'>"
    )
    body = f"<h1 class='logo'><a href='/'>KBS 뉴스</a></h1><h2 class='headline'>{HEADLINE}</h2>"
    assert headline_of(head, body) == HEADLINE
    extracted = extract(page(head, body), URL)
    assert extracted is not None
    assert extracted.text.split("\n")[0] == HEADLINE


def test_domain_brand_is_not_a_headline() -> None:
    # No site-name metadata at all: the host (news.kbs.co.kr) names the outlet.
    assert headline_of("<title>KBS NEWS</title>", f"<h1>{HEADLINE}</h1>") == HEADLINE
    assert headline_of("<title>KBS NEWS</title>") is None


def test_only_the_outlet_name_gives_no_article() -> None:
    head = "<title>전남일보</title><meta property='og:site_name' content='전남일보'>"
    assert extract(page(head, "<h1>전남일보</h1>"), "https://www.jnilbo.com/x") is None


@pytest.mark.parametrize("separator", [" - ", " | ", " : ", " :: "])
def test_site_suffix_variants_are_removed(separator: str) -> None:
    head = f"<meta property='og:title' content='{HEADLINE}{separator}빛고을일보'>"
    assert headline_of(head, url="https://www.bitgoeul-example.kr/a") == HEADLINE


def test_colon_subtitle_of_the_story_is_kept() -> None:
    title = "광주 시내버스 노선 개편 : 출퇴근 시간 배차 간격 줄어"
    assert strip_site(title) == title
    assert strip_site(f"{title} : 광주일보") == title


def test_h1_wins_over_a_different_og_title() -> None:
    head = "<meta property='og:title' content='[포토] 무등산 - 빛고을일보'>"
    assert headline_of(head, f"<h1>{HEADLINE}</h1>", "https://bitgoeul-example.kr/") == HEADLINE


def test_visible_headline_matching_og_title_is_preferred() -> None:
    head = f"<meta property='og:title' content='{HEADLINE} - 빛고을일보'>"
    body = f"<h1>빛고을일보</h1><h3 class='title'>{HEADLINE}</h3>"
    assert headline_of(head, body, "https://bitgoeul-example.kr/") == HEADLINE


@pytest.mark.parametrize("separator", ["\n", "\r\n", "\r", "\v", "\f", "\x85", "\u2028", "\u2029"])
def test_line_separators_inside_a_headline_or_paragraph_become_spaces(separator: str) -> None:
    broken = HEADLINE.replace(" 탐방로 ", f" 탐방로{separator}")
    html = (
        f"<html><head><title>{broken}</title><meta property='og:title' content='{broken}'></head>"
        f"<body><h1>{broken}</h1><div id='article-view-content-div'>"
        f"<p>{PARAGRAPHS[0].replace(' ', separator, 1)}</p>"
        + "".join(f"<p>{text}</p>" for text in PARAGRAPHS[1:])
        + "</div></body></html>"
    )
    extracted = extract(html, URL)
    assert extracted is not None
    assert extracted.headline == HEADLINE
    assert extracted.text.splitlines() == [HEADLINE, *PARAGRAPHS]


def body_page(lines: list[str], lead: str = "") -> bytes:
    inner = lead + "".join(f"<p>{text}</p>" for text in lines)
    return (
        f"<html><head><title>{HEADLINE} - 빛고을일보</title></head><body><h1>{HEADLINE}</h1>"
        f"<div id='article-view-content-div'>{inner}</div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "repeated", [HEADLINE, f"[단독] {HEADLINE}", f"{HEADLINE}.", HEADLINE.replace(" ", "  ")]
)
def test_headline_repeated_as_the_first_body_line_is_dropped(repeated: str) -> None:
    extracted = extract(body_page([repeated, *PARAGRAPHS]), URL)
    assert extracted is not None
    assert list(extracted.paragraphs) == PARAGRAPHS


@pytest.mark.parametrize(
    "lead",
    [
        "<p><strong>탐방로 3곳 석 달 만에 재개방</strong><br>"
        "<strong>안전 난간·계단 새로 설치</strong></p>",
        "<h3>탐방로 3곳 석 달 만에 재개방</h3>",
        "<p>▶ 탐방로 3곳 석 달 만에 재개방</p><p>▶ 안전 난간·계단 새로 설치</p>",
        "<p>- 탐방로 3곳 석 달 만에 재개방</p>",
    ],
    ids=["bold", "heading", "arrows", "dash"],
)
def test_summary_box_before_the_body_is_dropped(lead: str) -> None:
    extracted = extract(body_page(PARAGRAPHS, lead), URL)
    assert extracted is not None
    assert list(extracted.paragraphs) == PARAGRAPHS


def test_a_dateline_opening_the_body_stays() -> None:
    dateline = "[광주=뉴시스] 김철수 기자"
    extracted = extract(body_page([dateline, *PARAGRAPHS]), URL)
    assert extracted is not None
    assert list(extracted.paragraphs) == [dateline, *PARAGRAPHS]


TAILS = [
    "▶ 네이버 메인에서 빛고을일보를 구독하세요",
    "제보하기 ▷ 전화 062-123-4567 / 카카오톡 빛고을제보",
    "저작권자 © 빛고을일보 무단전재 및 재배포 금지",
    "<저작권자(c) 빛고을뉴스, 무단 전재-재배포, AI 학습 및 활용 금지>",
    "구독",
]


def test_trailing_promo_tip_and_copyright_lines_are_dropped() -> None:
    sign_off = "김철수 기자 kim@bitgoeul-example.kr"
    extracted = extract(body_page([*PARAGRAPHS, sign_off, *TAILS]), URL)
    assert extracted is not None
    assert list(extracted.paragraphs) == [*PARAGRAPHS, sign_off]


@pytest.mark.parametrize("line", TAILS)
def test_trailing_chrome_list(line: str) -> None:
    assert is_trailing_chrome(line)


@pytest.mark.parametrize(
    "line",
    [
        "김철수 기자 kim@bitgoeul-example.kr",
        "[광주=뉴시스] 김철수 기자",
        "/박진표 기자 lucky@kwangju.co.kr",
        PARAGRAPHS[-1],
        "시는 구독형 전자책 서비스를 내년부터 모든 도서관으로 넓힌다고 밝혔다.",
    ],
)
def test_sign_offs_and_prose_are_not_trailing_chrome(line: str) -> None:
    assert not is_trailing_chrome(line)
    assert drop_trailing_chrome([*PARAGRAPHS, line]) == [*PARAGRAPHS, line]


def test_min_body_chars_below_the_default_is_honoured() -> None:
    text = (
        "무등산 국립공원의 주요 탐방로가 석 달 동안의 정비를 마치고 다시 열렸다. "
        "공단은 가을 단풍철을 앞두고 늘어날 탐방객에 대비해 안전 요원을 늘린다."
    )
    assert 80 <= len(text) < 100  # a container holds it, the default minimum refuses it
    short = f"<p>{text}</p>"
    html = (
        f"<html><head><title>{HEADLINE}</title></head><body><h1>{HEADLINE}</h1>"
        f"<div id='article-view-content-div'>{short}</div></body></html>"
    )
    assert extract(html, URL) is None
    extracted = extract(html, URL, min_body_chars=50)
    assert extracted is not None
    assert extracted.paragraphs == (text,)
    assert extract(html, URL, min_body_chars=0) is not None


@pytest.mark.parametrize(
    "h1",
    [
        "<header class='site-header'><h1 class='logo'>"
        "<a href='/'>빛고을일보 광주 전남의 대표 신문</a></h1></header>",
        "<h1 class='section-title'>광주·전남 뉴스</h1>",
        "<nav><h1>오늘의 주요 뉴스 모아보기 전체</h1></nav>",
    ],
    ids=["logo-tagline", "section-label", "in-nav"],
)
def test_site_chrome_h1_never_beats_a_real_og_title(h1: str) -> None:
    head = f"<meta property='og:title' content='{HEADLINE} - 빛고을일보'>"
    assert headline_of(head, h1, "https://bitgoeul-example.kr/") == HEADLINE


@pytest.mark.parametrize(
    "line",
    [
        "▷ 카카오톡 : 'KBS제보' 검색 ▷ 이메일 : kbs1234@kbs.co.kr",
        "무단 전재 및 재배포를 금지합니다.",
        "[광고]",
    ],
)
def test_more_tail_lines_are_chrome(line: str) -> None:
    assert is_trailing_chrome(line)


@pytest.mark.parametrize(
    "line",
    [
        "경찰은 목격자를 찾기 위해 시민 제보 전화를 기다리고 있다.",
        "시민들은 네이버에서 예약한 뒤 방문하면 된다.",
        "구독자 수가 10만 명을 넘었다고 밝혔다.",
    ],
)
def test_sentences_naming_promo_words_are_body(line: str) -> None:
    assert not is_trailing_chrome(line)
