"""Script-held bodies read as data, the code gate, headline choice and the two ends of a body."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crawler.parsers import extract
from crawler.parsers.gate import gate, is_code

URL = "https://www.daehan-example.co.kr/news/2025/06/03/ABC123/"
HEADLINE = "광주시, 인공지능 집적단지 2단계 사업 예산 확보"
PARAGRAPHS = [
    "광주시가 인공지능 집적단지 2단계 사업의 내년도 국비 예산을 확보했다고 3일 밝혔다.",
    "시는 이번 예산으로 데이터센터 증설과 실증 장비 구축을 올해 하반기부터 시작한다.",
    "사업에는 지역 기업 120여 곳이 참여하며 5년 동안 모두 4천억원이 투입될 예정이다.",
    "광주시 관계자는 “인공지능 산업이 지역 경제의 새 성장동력이 되도록 하겠다”고 말했다.",
]
SUBHEAD = "데이터센터 증설 하반기 착수"
STATE = {"taxonomy": {"primary_section": {"_id": "/economy/money", "name": "경제"}}}


def page(head: str = "", body: str = "", scripts: str = "") -> bytes:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'>{head}</head>"
        f"<body><div id='app'>{body}</div>{scripts}</body></html>"
    ).encode()


def script(text: str, **attrs: str) -> str:
    attributes = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in attrs.items())
    return f"<script{attributes}>{text}</script>"


def arc_story() -> dict[str, Any]:
    elements: list[dict[str, Any]] = [{"type": "text", "content": PARAGRAPHS[0]}]
    elements.append({"type": "image", "caption": "사진 설명은 본문이 아닙니다", "url": "/x.jpg"})
    elements.append({"type": "text", "content": f"<b>{PARAGRAPHS[1][:20]}</b>{PARAGRAPHS[1][20:]}"})
    elements.append({"type": "header", "level": 2, "content": SUBHEAD})
    elements.append({"type": "raw_html", "content": "<div class='ad'>광고 영역입니다</div>"})
    elements += [{"type": "text", "content": text} for text in PARAGRAPHS[2:]]
    related = {"content_elements": [{"type": "text", "content": "다른 기사 " * 80}]}
    return {
        "_id": "ABC123",
        "type": "story",
        "headlines": {"basic": HEADLINE},
        "subheadlines": {"basic": "요약문은 본문이 아닙니다"},
        "content_elements": elements,
        "related_content": {"basic": [related]},
        **STATE,
    }


def test_arc_xp_global_content_gives_the_story_in_order() -> None:
    blob = json.dumps(arc_story(), ensure_ascii=False)
    scripts = script(
        f";Fusion.globalContent={blob};Fusion.globalContentConfig={json.dumps(STATE)};"
        "Fusion.contentCache={};",
        id="fusion-metadata",
        type="application/javascript",
    )
    head = "<title>조선일보</title><meta property='og:site_name' content='조선일보'>"
    extracted = extract(page(head, "<h1 class='logo'>조선일보</h1>", scripts), URL)
    assert extracted is not None
    assert extracted.parser == "arcxp"
    assert extracted.headline == HEADLINE
    assert list(extracted.paragraphs) == [*PARAGRAPHS[:2], SUBHEAD, *PARAGRAPHS[2:]]
    assert "taxonomy" not in extracted.text and "_id" not in extracted.text


def test_arc_xp_with_escaped_hangul_reads_the_same() -> None:
    blob = json.dumps(arc_story(), ensure_ascii=True)
    extracted = extract(page(scripts=script(f"Fusion.globalContent={blob};")), URL)
    assert extracted is not None
    assert extracted.headline == HEADLINE
    assert extracted.paragraphs[0] == PARAGRAPHS[0]


def next_data(article: dict[str, Any]) -> str:
    related = [{"title": "관련 기사 제목입니다", "body": "관련 기사 요약 " * 5}]
    data = {
        "props": {"pageProps": {"article": article, "related": related, "menu": ["정치", "경제"]}},
        "page": "/article/[id]",
        "buildId": "abc",
    }
    return script(json.dumps(data, ensure_ascii=False), id="__NEXT_DATA__", type="application/json")


def test_next_data_walks_to_the_article_object() -> None:
    html_body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    article = {"id": 7, "title": HEADLINE, "body": html_body, "section": {"name": "사회"}}
    extracted = extract(page(scripts=next_data(article)), URL)
    assert extracted is not None
    assert (extracted.parser, extracted.headline) == ("nextjs", HEADLINE)
    assert list(extracted.paragraphs) == PARAGRAPHS


def test_next_data_body_as_a_list_of_blocks() -> None:
    blocks = [{"type": "paragraph", "text": text} for text in PARAGRAPHS]
    blocks.insert(1, {"type": "image", "text": "사진 캡션입니다"})
    extracted = extract(page(scripts=next_data({"headline": HEADLINE, "content": blocks})), URL)
    assert extracted is not None
    assert list(extracted.paragraphs) == PARAGRAPHS


def flight_push(chunk: str) -> str:
    return script(f"self.__next_f.push({json.dumps([1, chunk], ensure_ascii=False)})")


def test_app_router_flight_rows_with_a_text_row() -> None:
    html_body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    size = len(html_body.encode("utf-8"))
    props = {"article": {"title": HEADLINE, "contentHtml": "$5", "id": 9}}
    payload = (
        '0:["$","html",null,{"children":"$L1"}]\n'
        '2:I["app/layout.js",["static/chunks/1.js"],"default"]\n'
        f"5:T{size:x},{html_body}"
        f'6:["$","$L3",null,{json.dumps(props, ensure_ascii=False)}]\n'
    )
    cut = len(payload) // 2  # a row split across two pushes, as Next.js streams them
    scripts = (
        script("(self.__next_f=self.__next_f||[]).push([0])")
        + flight_push(payload[:cut])
        + flight_push(payload[cut:])
    )
    extracted = extract(page(scripts=scripts), URL)
    assert extracted is not None
    assert (extracted.parser, extracted.headline) == ("flight", HEADLINE)
    assert list(extracted.paragraphs) == PARAGRAPHS


def test_json_ld_article_body_nested_in_a_web_page() -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "mainEntity": {
            "@type": "NewsArticle",
            "headline": HEADLINE,
            "articleBody": "\n".join(PARAGRAPHS),
        },
    }
    ld = script(json.dumps(data, ensure_ascii=False), type="application/ld+json")
    extracted = extract(page(head=ld), URL)
    assert extracted is not None
    assert (extracted.parser, extracted.headline) == ("jsonld", HEADLINE)
    assert list(extracted.paragraphs) == PARAGRAPHS


def test_a_page_whose_only_long_strings_are_json_state_gives_no_body() -> None:
    state = json.dumps(
        {"list": [{"title": text, "summary": text * 2, **STATE} for text in PARAGRAPHS]},
        ensure_ascii=False,
    )
    # State serialised into a JS string: the loose-string fallback would decode it to JSON text.
    scripts = script(f"window.__STATE__ = JSON.parse({json.dumps(state, ensure_ascii=False)});")
    head = f"<title>{HEADLINE}</title><meta property='og:type' content='article'>"
    assert extract(page(head, "<p>로그인</p>", scripts), URL) is None


def test_a_body_that_is_mostly_code_gives_no_body() -> None:
    css = ".article-body p { color: #333; margin: 0 0 20px; line-height: 1.8; }" * 6
    code = "function track(e){ var d = window.dataLayer || []; d.push({event: e}); }" * 6
    body = (
        f"<div id='article-view-content-div'><p>{css}</p><p>{code}</p><p>{PARAGRAPHS[0]}</p></div>"
    )
    extracted = extract(page(f"<title>{HEADLINE}</title>", f"<h1>{HEADLINE}</h1>{body}"), URL)
    assert extracted is None


@pytest.mark.parametrize(
    "line",
    [
        '"},"taxonomy":{"primary_section":{"_id":"/economy/money"',
        '{"type":"text","content":"광주시가 예산을 확보했다"}',
        "function(){ var a = document.getElementById('x'); }",
        ".news_view p { font-size: 17px; color: #222; }",
        "https://a.example/1.jpg https://a.example/2.jpg https://a.example/3.jpg",
        "window.dataLayer = window.dataLayer || [];",
        "\\uAD11\\uC8FC\\uC2DC\\uAC00 \\n\\n",
    ],
)
def test_code_lines_are_refused(line: str) -> None:
    assert is_code(line)


@pytest.mark.parametrize(
    "line",
    [
        *PARAGRAPHS,
        '그는 "안전", "공정", "혁신"을 세 가지 원칙으로 제시했다.',
        "자세한 내용은 광주시 누리집(https://www.gwangju.go.kr)에서 확인할 수 있다.",
        "일시: 6월 3일 오후 2시, 장소: 광주시청 대회의실",
        "김철수 기자 kim@daehan-example.co.kr",
        "[광주=뉴시스] 김철수 기자 = 광주시가 3일 예산 확보 소식을 알렸다.",
    ],
)
def test_prose_passes_the_gate(line: str) -> None:
    assert not is_code(line)
    assert gate([line]) == [line]


def test_gate_drops_a_stray_code_line_but_keeps_the_body() -> None:
    assert gate([*PARAGRAPHS, '{"a":1,"b":2}']) == PARAGRAPHS


def test_next_data_prefers_the_story_titled_like_the_page_over_a_longer_related_one() -> None:
    main = {"title": HEADLINE, "body": "\n".join(PARAGRAPHS)}
    longer = {"title": "다른 지역 소식 모음", "body": "\n".join(p[::-1] for p in PARAGRAPHS * 3)}
    data = {"props": {"pageProps": {"related": [longer], "article": main}}}
    scripts = script(json.dumps(data, ensure_ascii=False), id="__NEXT_DATA__")
    head = f"<meta property='og:title' content='{HEADLINE} - 대한일보'>"
    extracted = extract(page(head, scripts=scripts), URL)
    assert extracted is not None
    assert list(extracted.paragraphs) == PARAGRAPHS


def test_a_widgets_json_inside_a_real_body_is_dropped_and_the_body_kept() -> None:
    blob = json.dumps({"widget": {"items": [{"id": n, "label": "광고"} for n in range(200)]}})
    article = PARAGRAPHS * 2  # an article's length (over 300 characters)
    assert gate([*article, blob]) == article
    assert gate([PARAGRAPHS[0], blob]) == []  # a short line beside a blob is not an article
