"""Article extraction on stored real pages and synthetic pages, compared with expected text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.parsers import extract
from crawler.parsers.chrome import is_chrome
from crawler.parsers.headline import strip_site
from crawler.parsers.quality import bag_of_words

FIXTURES = Path(__file__).parent.parent / "fixtures"
REAL = FIXTURES / "korean-news"
# Pages never tuned to: added after the extractor was written, to measure how it generalises.
UNSEEN = FIXTURES / "real-pages"
SYNTHETIC = FIXTURES / "pages"
MIN_F1 = 0.97


@dataclass(frozen=True)
class Case:
    name: str
    page: Path
    expected: Path
    url: str

    @property
    def expected_text(self) -> str:
        return self.expected.read_text(encoding="utf-8").strip("\n")


def manifest_cases(folder: Path) -> list[Case]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return [
        Case(Path(e["file"]).stem, folder / e["file"], folder / e["gold"], e["original_url"])
        for e in manifest
        if e.get("kind") == "article"
    ]


def real_cases() -> list[Case]:
    return manifest_cases(REAL)


def unseen_cases() -> list[Case]:
    return manifest_cases(UNSEEN)


def synthetic_cases() -> list[Case]:
    return [
        Case(txt.stem, txt.with_suffix(".html"), txt, f"https://news.example/{txt.stem}")
        for txt in sorted(SYNTHETIC.glob("*.txt"))
    ]


CASES = real_cases() + unseen_cases() + synthetic_cases()


def test_every_fixture_page_has_expected_text() -> None:
    assert len(real_cases()) >= 5
    assert len(unseen_cases()) >= 1
    assert all(case.expected.exists() for case in CASES)
    assert {c.name for c in synthetic_cases()} >= {
        "script_var",
        "next_data",
        "jsonld_only",
        "repeated_body",
        "br_text",
        "euckr_meta",
        "chrome_heavy",
        "ndsoft_classic",
        "arc_fusion",
        "channel_title",
        "state_only",
    }
    assert all(case.page.exists() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_extracts_expected_text(case: Case) -> None:
    extracted = extract(case.page.read_bytes(), case.url)
    if not case.expected_text:  # an empty expectation: the page must give no article at all
        assert extracted is None
        return
    assert extracted is not None
    assert extracted.text == case.expected_text


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bag_of_words_f1_at_least_target(case: Case) -> None:
    extracted = extract(case.page.read_bytes(), case.url)
    text = extracted.text if extracted is not None else ""
    assert bag_of_words(text, case.expected_text).f1 >= MIN_F1


@pytest.mark.parametrize(
    ("name", "parser"),
    [
        ("ndsoft_classic", "articleview"),
        ("script_var", "script"),
        ("next_data", "nextjs"),
        ("arc_fusion", "arcxp"),
        ("channel_title", "container"),
        ("jsonld_only", "jsonld"),
        ("chrome_heavy", "container"),
        ("repeated_body", "generic"),
        ("br_text", "generic"),
    ],
)
def test_strategy_that_reads_each_synthetic_layout(name: str, parser: str) -> None:
    extracted = extract((SYNTHETIC / f"{name}.html").read_bytes(), "https://news.example/")
    assert extracted is not None
    assert extracted.parser == parser


@pytest.mark.parametrize("name", ["listing", "error_page"])
def test_pages_without_an_article_body_give_none(name: str) -> None:
    assert extract((SYNTHETIC / f"{name}.html").read_bytes(), "https://news.example/") is None


@pytest.mark.parametrize(
    "body",
    [b"", b"   ", b"<html></html>", "<html><body><p>짧은 글</p></body></html>"],
    ids=["empty", "blank", "no-body", "too-short"],
)
def test_degenerate_input_gives_none(body: bytes | str) -> None:
    assert extract(body, "https://news.example/") is None


def test_accepts_decoded_text() -> None:
    case = real_cases()[0]
    html = case.page.read_bytes().decode("utf-8")
    extracted = extract(html, case.url)
    assert extracted is not None
    assert extracted.text == case.expected_text


def test_euckr_page_decodes_with_http_charset_too() -> None:
    body = (SYNTHETIC / "euckr_meta.html").read_bytes()
    extracted = extract(body, "https://news.example/", content_type="text/html; charset=EUC-KR")
    assert extracted is not None
    assert "똠방각하" in extracted.headline
    assert any("햏자" in p for p in extracted.paragraphs)


@pytest.mark.parametrize(
    ("name", "published"),
    [
        ("01_jnilbo", datetime(2025, 12, 6, 7, 43, 4, tzinfo=UTC)),
        ("10_chosun", datetime(2020, 8, 27, 11, 27, 29, tzinfo=UTC)),
        ("17_hankookilbo", datetime(2025, 5, 15, 11, 0, 52, tzinfo=UTC)),
        ("01_tvchosun", datetime(2023, 4, 5, 10, 50, 6, tzinfo=UTC)),
        ("jsonld_only", datetime(2024, 6, 5, 1, 30, tzinfo=UTC)),
        ("euckr_meta", datetime(2009, 5, 12, 6, 27, tzinfo=UTC)),
        ("br_text", datetime(2022, 9, 30, 7, 45, tzinfo=UTC)),
    ],
)
def test_published_at_is_aware_utc(name: str, published: datetime) -> None:
    case = next(c for c in CASES if c.name == name)
    extracted = extract(case.page.read_bytes(), case.url)
    assert extracted is not None
    assert extracted.published_at == published


@pytest.mark.parametrize(
    ("name", "url", "canonical"),
    [
        ("06_kbs", "https://news.kbs.co.kr/x", "https://news.kbs.co.kr/news/view.do?ncd=7645555"),
        (
            "ndsoft_classic",
            "http://www.namdo-example.co.kr/news/articleView.html?idxno=51234&page=2",
            "http://www.namdo-example.co.kr/news/articleView.html?idxno=51234",
        ),
        ("br_text", "https://news.example/a", None),
    ],
)
def test_canonical_url_is_absolute(name: str, url: str, canonical: str | None) -> None:
    case = next(c for c in CASES if c.name == name)
    extracted = extract(case.page.read_bytes(), url)
    assert extracted is not None
    assert extracted.canonical_url == canonical


@pytest.mark.parametrize(
    ("title", "sites", "expected"),
    [
        ("광주FC 준우승 < 스포츠와 건강 < 기사본문 - 전남일보", (), "광주FC 준우승"),
        ("무더기 실종 모두 발견 | KBS 뉴스", ("KBS 뉴스",), "무더기 실종 모두 발견"),
        (":: 광주일보 :: 무등산 단풍 절정", (), "무등산 단풍 절정"),
        ("무등산 단풍 절정 :: 광주일보 ::", (), "무등산 단풍 절정"),
        ("노경은 4⅓이닝 부진 - 조선닷컴 - 스포츠 > 스포츠 포토", (), "노경은 4⅓이닝 부진"),
        ("4-4-2 포메이션으로 나선 광주", (), "4-4-2 포메이션으로 나선 광주"),
    ],
    ids=["ndsoft-trail", "site-name", "wrapped-prefix", "wrapped-suffix", "chained", "hyphens"],
)
def test_strip_site(title: str, sites: tuple[str, ...], expected: str) -> None:
    assert strip_site(title, sites) == expected


@pytest.mark.parametrize(
    ("line", "chrome"),
    [
        ("저작권자 © 무등일보 무단전재 및 재배포 금지", True),
        ("Copyrights ⓒ 스포츠조선. 무단 전재 및 재배포 금지", True),
        ("입력 2020.08.27 20:27", True),
        ("▶ 기사 제보하기", True),
        ("이메일 : jebo@example.kr 제보 기다립니다", True),
        ("많이 본 기사", True),
        ("공유하기", True),
        ("▲", True),
        ("홍길동 기자 hong@example.kr", False),
        ("[사진 출처 : 산루이스포토시 검찰청 공식 트위터 캡처]", False),
        ("경찰은 시민의 제보를 받고 현장에 출동했다.", False),
    ],
)
def test_chrome_lines(line: str, chrome: bool) -> None:
    assert is_chrome(line) is chrome


@pytest.mark.parametrize(
    ("extracted", "expected", "f1"),
    [
        ("a b c", "a b c", 1.0),
        ("a b", "a b c d", 2 / 3),
        ("a a b", "a b", 0.8),
        ("", "a", 0.0),
        ("", "", 1.0),
    ],
    ids=["same", "half-recall", "repeated-token", "empty-extraction", "both-empty"],
)
def test_bag_of_words_f1(extracted: str, expected: str, f1: float) -> None:
    assert bag_of_words(extracted, expected).f1 == pytest.approx(f1)
