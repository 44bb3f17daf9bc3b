"""Government press-release boards: the post's title, the release kept, board chrome dropped."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.parsers import Extracted, extract
from crawler.parsers.boardtext import is_board_name, is_board_note, is_keyword_list, label_kind
from crawler.parsers.gate import is_code

FIXTURES = Path(__file__).parent.parent / "fixtures"
BOARDS = FIXTURES / "boards"
SYNTHETIC = FIXTURES / "pages"
MANIFEST = json.loads((BOARDS / "manifest.json").read_text(encoding="utf-8"))
REAL = {Path(e["file"]).stem: e for e in MANIFEST if e["kind"] == "article"}
LISTINGS = [e for e in MANIFEST if e["kind"] == "listing"]
# Synthetic pages of the same family: an EUC-KR eGov table board, the `?idx=N&mode=view` module
# with a script printed into the post as text, the integrated city's boardView.do and gallery.es.
SYNTHETIC_BOARDS = {
    "board_egov_euckr": "https://www.hwasun.example/board/boardView.do?bbsId=B12&nttId=48213",
    "board_idx_jquery": "https://www.suncheon.example/www/open/news/press?idx=612345&mode=view",
    "board_jngj_boardview": (
        "https://www.jeonnam-gwangju.go.kr/boardView.do?pageId=jngj22&boardId=JG_0000000003&seq=1187"
    ),
    "board_jngj_gallery": (
        "https://news.jeonnam-gwangju.go.kr/gallery.es?mid=a50101000000&bid=0009&act=view&list_no=3412"
    ),
}
PAGES = {
    name: (BOARDS / e["file"], BOARDS / e["gold"], e["original_url"]) for name, e in REAL.items()
}
PAGES |= {
    n: (SYNTHETIC / f"{n}.html", SYNTHETIC / f"{n}.txt", u) for n, u in SYNTHETIC_BOARDS.items()
}
# What board chrome looks like in the old output of these pages: never in a body again.
CHROME: tuple[str, ...] = ("작성일", "조회수", "등록일", "첨부파일", "공공누리", "사진 설명")
CHROME += ("사진설명", "별첨", "<끝>", ".hwp", ".jpg", "다음글", "이전글", "자료제공", "☎")


def _extract(name: str) -> Extracted:
    page, _, url = PAGES[name]
    extracted = extract(page.read_bytes(), url)
    assert extracted is not None
    return extracted


def test_the_real_pages_are_stored_as_listed() -> None:
    assert len(REAL) >= 7 and LISTINGS
    for entry in MANIFEST:
        body = (BOARDS / entry["file"]).read_bytes()
        assert len(body) == entry["bytes"]
        assert hashlib.sha1(body).hexdigest() == entry["sha1"]
        assert (BOARDS / entry["gold"]).exists()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_board_post_gives_its_expected_text(name: str) -> None:
    extracted = _extract(name)
    expected = PAGES[name][1].read_text(encoding="utf-8").strip("\n")
    assert extracted.text == expected
    assert extracted.parser == "board"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_headline_is_the_posts_title_never_the_boards_name(name: str) -> None:
    headline = _extract(name).headline
    assert not is_board_name(headline)
    assert "보도자료" not in headline
    if name in REAL:
        assert headline == REAL[name]["title"]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_metadata_files_captions_and_contacts_are_dropped(name: str) -> None:
    paragraphs = _extract(name).paragraphs
    for paragraph in paragraphs:
        assert not any(mark in paragraph for mark in CHROME), paragraph
        assert not is_board_note(paragraph)
    # The deck above the first sentence is gone: the body opens with a sentence.
    assert paragraphs[0].endswith(("다.", "다”", "했다.", "밝혔다."))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_code_reaches_the_body(name: str) -> None:
    text = _extract(name).text
    assert not any(is_code(line) for line in text.split("\n"))
    assert "$(" not in text and "//" not in text and "addClass" not in text


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("01_naju_idx_view", "빛가람동(동장 김귀남)은 지난 2일 꽃소마루 나주혁신점"),
        ("02_gwangju_boardview", "‘제5회 인공지능인의 날’을 열고"),
        ("03_jeonnam_boardview", "여수시가 선정됐다고 밝혔다."),
        ("04_shinan_show", "제1차 통합지원회의를 개최했다."),
        ("05_gangjin_idx_view", "후속 사업을 추진해 강진 관광 브랜드 가치를"),
        ("06_damyang_view", "품질 인증 마크를 획득했다고 11일 밝혔다."),
        ("board_idx_jquery", "공공 데이터 공동 활용 협약을 맺었다고 밝혔다."),
        ("board_egov_euckr", "1천200㎡ 규모로 지어졌으며"),
    ],
)
def test_the_release_itself_is_kept(name: str, sentence: str) -> None:
    assert any(sentence in paragraph for paragraph in _extract(name).paragraphs)


def test_a_script_printed_into_the_post_is_gated_and_the_release_kept() -> None:
    # The `?idx=N&mode=view` page carries 22 lines of jQuery as text in the post container,
    # more lines than the release has: the release still comes out whole.
    html = (SYNTHETIC / "board_idx_jquery.html").read_text(encoding="utf-8")
    assert html.count("<p>$") >= 5 and ".off('click.shareDyn'" in html
    extracted = _extract("board_idx_jquery")
    assert len(extracted.paragraphs) == 4


def test_a_board_listing_is_not_a_post() -> None:
    body = (SYNTHETIC / "board_listing_euckr.html").read_bytes()
    assert extract(body, "https://www.hwasun.example/board/boardList.do?bbsId=B12") is None
    for entry in LISTINGS:  # a real one whose og:title is the site's keyword list
        assert extract((BOARDS / entry["file"]).read_bytes(), entry["original_url"]) is None


def test_euckr_board_decodes_with_the_http_charset_too() -> None:
    body = (SYNTHETIC / "board_egov_euckr.html").read_bytes()
    extracted = extract(body, PAGES["board_egov_euckr"][2], content_type="text/html;charset=EUC-KR")
    assert extracted is not None
    assert extracted.headline == "화순군, 전남광주특별시 출범 맞춰 AI 헬스케어 실증센터 문 열어"


def test_a_news_cms_page_with_view_counts_stays_on_the_news_path() -> None:
    head = "<meta charset='utf-8'><title>광주시 AI 예산 확보 - 남도일보</title>"
    body = (
        "<h1>광주시 AI 예산 확보</h1><ul class='info'><li>입력 2026.07.01</li><li>조회수 12</li>"
        "<li>작성자 김철수</li></ul><div id='article-view-content-div'>"
        + "".join(
            f"<p>광주시가 인공지능 예산 {n}억 원을 확보했다고 1일 밝혔다. 시는 운영비로 쓴다.</p>"
            for n in range(3)
        )
        + "</div>"
    )
    extracted = extract(
        f"<html><head>{head}</head><body>{body}</body></html>", "https://n.example/"
    )
    assert extracted is not None
    assert extracted.parser == "articleview"


@pytest.mark.parametrize(
    "name",
    [
        "보도자료",
        "보도자료/해명 < 신안군뉴스",
        "알림마당>담양뉴스>보도자료 > 상세",
        "보도자료 | 광주광역시청",
        "공지사항",
        "시정소식",
        "군정소식",
        "새소식",
    ],
)
def test_board_names(name: str) -> None:
    assert is_board_name(name)


@pytest.mark.parametrize(
    "title",
    [
        "광주 인공지능인들, AI산업 상생발전 다짐",
        "해수부 복합해양레저관광도시 공모에 여수시 선정",
        "보도자료 배포 시각 앞당긴다",
        "AI 시대 : 광주가 준비하는 것",
    ],
)
def test_headlines_are_not_board_names(title: str) -> None:
    assert not is_board_name(title)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("작성일 : 2025-12-05 17:09", "date"),
        ("등록일", "date"),
        ("조회수", "views"),
        ("등록부서", "dept"),
        ("첨부파일", "attach"),
        ("일자리 창출", None),
        ("부서간 협력", None),
    ],
)
def test_label_kinds(text: str, kind: str | None) -> None:
    assert label_kind(text) == kind


@pytest.mark.parametrize(
    "line",
    [
        "문의는 시청 민원과(062-123-4567)로 하면 된다.",
        "광주시는 사진 제공 업체와 협약을 맺었다.",
        "일자리 창출이 기대된다.",
        '시청 관계자는 "첨부 서류를 확인하라"고 말했다.',
        "첨부된 자료에 따르면 방문객이 늘었다.",
        "시는 출처 표시 없이 사진을 쓰면 안 된다고 밝혔다.",
    ],
)
def test_release_sentences_are_not_board_notes(line: str) -> None:
    assert not is_board_note(line)


@pytest.mark.parametrize(
    "line",
    [
        "작성일 : 2025-12-05 17:09 96",
        "조회수 52",
        "담당부서 홍보과",
        "첨부파일",
        "※ 별첨 : 사진",
        "붙임 1. 행사 개요",
        "(복합해양레저관광도시 공모-사업구상도 1장, 환영문 1부 첨부)",
        "보도자료(신안군 통합지원회의 개최).hwp",
        "*사진설명 : 남도해양열차와 연계한 팸투어에서 참가자들이 자리를 함께 했다.",
        "(사진 제공-나주시)",
        "※ 사진 있음. (업무담당자 행정과 박주홍 ☎061-380-3192)",
        "자료제공: 노인건강과 노인복지팀 (240-8940)",
        "【섬해양정책과장 박태건 286-6710, 해양레저팀장 최방주 286-6740】",
        '본 저작물은 "공공누리" 제1유형:출처표시 조건에 따라 이용 할 수 있습니다.',
        "이전글 전남도-금호타이어, 함평에 미래형 스마트 타이어 생산기지",
    ],
)
def test_board_notes(line: str) -> None:
    assert is_board_note(line)


def test_a_post_without_a_title_element_takes_the_pages_title() -> None:
    title = "광주시, AI 실증 지원 기업 20곳 선정"
    paragraphs = [
        "광주시는 인공지능 제품과 서비스의 실증을 지원할 기업 20곳을 선정했다고 3일 밝혔다.",
        "선정된 기업은 공공시설과 병원에서 최대 6개월 동안 제품을 시험하고 비용을 지원받는다.",
        "시는 실증 결과를 공공 구매와 연계해 기업의 판로를 넓힐 계획이다.",
        "올해 공모에는 모두 74개 기업이 신청해 3.7대 1의 경쟁률을 보였으며, 의료와 교통, 안전 분야"
        " 기업이 절반을 넘었다.",
        "시 관계자는 “실증을 마친 제품이 시장에 빨리 나올 수 있도록 인증과 투자 유치까지 돕겠다”고"
        " 말했다.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = (
        f"<html><head><meta charset='utf-8'><title>{title} - 보도자료</title></head><body>"
        f"<div class='bbs'><strong>{title}</strong><ul><li>작성일 2026-08-03</li>"
        f"<li>조회 15</li><li>작성자 인공지능산업과</li></ul>{body}</div></body></html>"
    )
    extracted = extract(page, "https://www.gwangju.go.kr/boardView.do?seq=1")
    assert extracted is not None
    assert extracted.parser == "board"
    assert extracted.headline == title
    assert list(extracted.paragraphs) == paragraphs


@pytest.mark.parametrize(
    ("name", "published"),
    [
        ("01_naju_idx_view", datetime(2025, 12, 5, 7, 40, tzinfo=UTC)),  # 등록일 2025.12.05 16:40
        ("02_gwangju_boardview", datetime(2025, 12, 5, 8, 9, tzinfo=UTC)),  # 작성일 : … 17:09
        ("03_jeonnam_boardview", datetime(2025, 12, 8, 15, 0, tzinfo=UTC)),  # 작성일 2025-12-09
        ("04_shinan_show", datetime(2025, 12, 12, 8, 44, tzinfo=UTC)),  # <th>등록일</th>
        ("05_gangjin_idx_view", datetime(2025, 12, 9, 15, 0, tzinfo=UTC)),  # hidden <dt>날짜</dt>
        ("board_egov_euckr", datetime(2026, 7, 13, 15, 0, tzinfo=UTC)),
        ("board_jngj_gallery", datetime(2026, 7, 29, 15, 0, tzinfo=UTC)),
    ],
)
def test_the_posts_date_row_dates_it(name: str, published: datetime) -> None:
    assert _extract(name).published_at == published


@pytest.mark.parametrize(
    ("title", "keywords"),
    [
        ("경북도청, 경상북도, 경북, 도청, Gyeongsangbuk-do", True),
        ("보도자료, 나주시, 전라남도 나주, Naju City, Najucity, Naju-si", True),
        ("광주, 전남, 전북, 제주 폭염 특보", False),
        ("광주, 전남, AI, 반도체 협력 강화", False),
    ],
)
def test_a_sites_keyword_list_is_not_a_headline(title: str, keywords: bool) -> None:
    assert is_keyword_list(title) is keywords
