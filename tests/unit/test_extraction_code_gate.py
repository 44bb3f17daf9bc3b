"""The code gate lets no script block through: comment lines, jQuery chains, statements."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.parsers import extract
from crawler.parsers.dom import parse_document
from crawler.parsers.gate import gate, is_code
from crawler.parsers.script import script_body, script_lines

NAJU = Path(__file__).parent.parent / "fixtures" / "boards" / "pages" / "01_naju_idx_view.html"
PROSE = [
    "빛가람동은 지난 2일 지역 업체와 매월 한돈 45kg을 정기 후원하는 협약을 체결했다고 밝혔다.",
    "협약에 따라 업체는 지역아동센터 3개소(빛가람·빛누리·한아름)에 한돈을 후원하기로 했다.",
    "김귀남 빛가람동장은 “따뜻한 한 끼가 아이들의 건강한 성장에 큰 힘이 된다”며 감사를 전했다.",
    "동은 후원 물품이 필요한 가정에 고루 전달되도록 지역아동센터와 함께 대상자를 정하기로 했다.",
]
# Lines a 시청 page's script wrote into the corpus: each must be refused on its own.
JQUERY = [
    "// 기존 모달 시스템(.modal_open/.modal_close)과 연동: 동적으로 추가된 #myMenuModal 지원",
    "// - 로그인 상태에서는 기존 규칙대로 모달을 열고, 비로그인 시 위의 가드가 로그인 안내 처리",
    "$(document)",
    ".off('click.myMenuDyn', '#myMenuModal')",
    ".on('click.myMenuDyn', '#myMenuModal', function (e) {",
    "if (!IS_LOGGED_IN) return; // 비로그인 시 기본 가드가 처리",
    "$modal.addClass('on');",
    "$modal.find('.modal_wrap').removeClass('on');",
    "$modalwrap.data('previous-focus', $(this));",
    "await myMenuManager.myMenuListUp(ajaxUrl); // menus 목록 생성",
    "drawMenus(myMenuManager.getMenus(), true);",
    "} catch (err) {",
    "console.error('GNB init error:', err);",
    "return;",
    "alert('즐겨찾기는 최대 7개까지 가능합니다.');",
    "$(this).prop('checked', false);",
    "} else {",
    "myMenuManager.removeMenu(menuId);",
    "const target = this.tagName === 'BUTTON' ? $(this).data('target') : $(this).attr('href');",
    "/* 메뉴 영역 */",
    "});",
]


@pytest.mark.parametrize("line", JQUERY)
def test_script_statements_are_code(line: str) -> None:
    assert is_code(line)


@pytest.mark.parametrize(
    "line",
    [
        *PROSE,
        "광주시는 3일 AI 데이터센터(1단계) 준공식을 열었다.",
        "(유달동장 김일섭, 맞춤형복지팀장 이명희 270-4730)",
        "- 무술목·경도 일원 1조980억 투입 -",
        "If you need help, call 1393.",
        "Return to work (after the strike) was slow;",
        "그는 '함수 f(x)'를 설명했다;",
        ") 등을 통해 확인했다.",
        "1) 개요",
    ],
)
def test_prose_with_brackets_and_semicolons_is_not_code(line: str) -> None:
    assert not is_code(line)


def test_a_script_block_beside_a_release_is_dropped_and_the_release_kept() -> None:
    # More code lines than prose lines (the old gate gave up and the body was lost).
    assert gate([*PROSE[:2], *JQUERY, *PROSE[2:]]) == PROSE


def test_a_short_fragment_wedged_in_a_script_block_goes_with_it() -> None:
    lines = [*PROSE, "$modal.addClass('on');", "modalArea", "$modal.removeClass('fade');"]
    assert gate(lines) == PROSE


def test_a_body_of_script_fragments_is_no_body() -> None:
    assert gate([*JQUERY, "로그인이 필요합니다.", "메뉴"]) == []


def _script(code: str) -> str:
    return f"<html><body><script>{code}</script><p>본문</p></body></html>"


def test_code_between_two_template_literals_is_never_read_as_a_string() -> None:
    comment = "// 기존 모달 시스템과 연동: 동적으로 추가된 메뉴를 지원하고 로그인 안내를 처리한다"
    code = "\n".join(
        [
            "$('.gnb').append(`<div class=\"gnbQ_wrap\"></div>`);",
            *([comment] * 6),
            *JQUERY,
            "$('.area').html(`<ul>${items}</ul>`);",
        ]
    )
    root = parse_document(_script(code))
    assert root is not None
    assert script_body(root) is None


def test_a_long_korean_string_in_a_script_is_still_read() -> None:
    body = " ".join(PROSE)
    code = f"// 본문 데이터 ('따옴표')\nvar articleBody = \"{body}\";\n$(document).ready(init);"
    root = parse_document(_script(code))
    assert root is not None
    assert script_body(root) == body


def test_the_city_hall_page_script_gives_no_body_lines() -> None:
    root = parse_document(NAJU.read_text(encoding="utf-8"))
    assert root is not None
    assert script_lines(root) == []


def test_script_text_leaking_into_the_page_stays_out_of_the_body() -> None:
    # A '</script>' inside a string ends the element early: the rest of the code is page text.
    paragraphs = [
        f"광주시는 {n}일 인공지능 집적단지 2단계 사업이 예비타당성 조사 대상에 올랐다고 밝혔다."
        for n in range(1, 5)
    ]
    leak = (
        "<script>var ad = '<script src=\"/ad.js\"></script>';\n"
        "// 광고 영역을 본문 아래에 붙인다\n$(document).ready(function () {\n"
        "  $('#ad_area').html(ad);\n  $modal.addClass('on');\n});\n</script>"
    )
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = (
        "<html><head><meta charset='utf-8'><title>광주 AI 집적단지 2단계 예타 - 남도일보</title>"
        f"</head><body><h1>광주 AI 집적단지 2단계 예타</h1><div class='news'>{body}{leak}</div>"
        "</body></html>"
    )
    extracted = extract(page, "https://news.example/leak")
    assert extracted is not None
    assert list(extracted.paragraphs) == paragraphs


@pytest.mark.parametrize(
    "line",
    [
        "$5.2 billion will be invested in the AI data center by 2028.",
        "$5 (about 7 billion won) per share",
        "continue to grow in the region",
        "광주시(시장 강기정);",
        "* 사진설명 : 광주시청 전경",
    ],
)
def test_english_and_korean_lines_that_look_like_statements_are_prose(line: str) -> None:
    assert not is_code(line)


def test_captions_between_bare_links_are_text_not_script_fragments() -> None:
    """A shopping list: a caption above each link. The links go; the captions are no script."""
    prose = [
        "Il black Friday incombe su di noi: ecco le offerte per chi ama gli anni Ottanta e "
        "Novanta, scelte una per una dalla redazione.",
        "Si tratta di una tradizione consolidatasi negli anni Sessanta negli Stati Uniti.",
    ]
    items = []
    for number in range(1, 13):
        items += [
            f"{number}) Cofanetto numero {number} (2 Blu-Ray)",
            f"http://amzn.to/2iJF{number}x",
        ]
    kept = gate(prose + items)
    assert kept[:2] == prose
    assert [line for line in kept[2:]] == items[::2]
