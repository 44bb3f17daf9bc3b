"""The review of a chosen body: boilerplate blocks (consent banners, corporate footers,
newsletter boxes, related-article teasers; English and Korean) never become the article, a body
far below the page's prose mass is doubted, and the rule that picks between two answers."""

from __future__ import annotations

import pytest

from crawler.crawl.spiders.news import parser_stats
from crawler.parsers import article, extract
from crawler.parsers.boilerplate import ends_article, is_boilerplate, is_teaser_list
from crawler.parsers.dom import parse_document
from crawler.parsers.generic import Prose, page_prose
from crawler.parsers.review import Screened, prefer_general, screen

ENGLISH = (
    "The city council voted on Tuesday to expand the riverside park by twelve hectares, "
    "ending a debate that had run for more than three years.",
    "Supporters said the new land would give families in the crowded eastern districts a "
    "place to walk, play and gather on summer evenings.",
    "Opponents had argued that the money should go to road repairs instead, pointing to a "
    "backlog of potholes on the main commuter routes.",
    "The final vote was nine to four, with two members abstaining after a long session that "
    "ran past midnight.",
    "Work on the first section is expected to begin in the spring, and the park department "
    "says the whole project will take about two years.",
    "The mayor called the decision a turning point for the neighbourhood and promised "
    "regular public updates on the construction schedule.",
)
KOREAN = (
    "광주시는 7일 인공지능 집적단지 2단계 사업을 본격 추진한다고 밝혔다. 시는 올해 예산 "
    "120억 원을 투입해 데이터센터를 확충할 계획이다.",
    "이번 사업은 지역 기업의 연구개발을 돕고 청년 일자리를 만드는 데 초점을 맞췄다. 시는 "
    "참여 기업을 다음 달까지 공모한다.",
    "시 관계자는 인공지능 산업이 지역 경제의 새 동력이 될 것이라며 기업과 대학이 함께하는 "
    "협력 체계를 만들겠다고 말했다.",
    "광주과학기술원과 지역 대학들도 전문 인력 양성 과정을 늘려 기업 수요에 맞춘 교육을 "
    "제공할 예정이다.",
    "시는 사업이 마무리되면 2030년까지 300개 기업을 유치하고 일자리 5천 개를 만들 수 있을 "
    "것으로 내다봤다.",
)
EN_TITLE = "Council votes to expand riverside park"
KO_TITLE = "광주시 AI 집적단지 2단계 본격 추진"
# Blocks that read like prose and sit outside the article, with no class name that marks them.
COOKIE = (
    "This website uses cookies to improve your experience. We will assume you are ok with "
    "this, but you can opt-out if you wish. Accept cookies and continue reading our site."
)
CORPORATE = (
    "Example Media Corp is a network of leading companies in the worlds of diversified media, "
    "news, education, and information services."
)
NEWSLETTER = (
    "Sign up for our daily newsletter and get the best local stories in your inbox every "
    "morning, free of charge.",
    "Enter your email address below to subscribe.",
)
TEASERS = tuple(
    f"Other story number {i} about the city budget and what the council may decide next..."
    for i in range(5)
)
KO_COOKIE = (
    "이 사이트는 서비스 개선을 위해 쿠키를 사용합니다. 계속 이용하시면 개인정보 수집 및 "
    "이용에 동의하는 것으로 간주합니다. 자세한 내용은 개인정보처리방침을 확인하세요."
)
KO_FOOTER = (
    "회사소개 | 광고문의 | 제휴문의 | 이용약관 | 개인정보처리방침 | 청소년보호정책 | "
    "고충처리인 | 등록번호 광주 아00000 | 발행인 홍길동 | 편집인 김철수"
)
KO_RELATED = tuple(
    f"광주 지역 다른 기사 {i}번: 시의회 예산 심사가 다음 주로 미뤄지면서 각 부서가..."
    for i in range(5)
)


def page(title: str, paragraphs: tuple[str, ...], chrome: tuple[str, ...]) -> bytes:
    """An article under a wrapper whose class reads as boilerplate ('sidebar'), so the density
    strategy alone picks the unmarked chrome block beside it: the failure seen on real sites."""
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    other = "".join(f"<p>{text}</p>" for text in chrome)
    return (
        f'<html><head><title>{title}</title><meta property="og:title" content="{title}">'
        f'</head><body><div class="layout has-sidebar"><article><h1>{title}</h1>{body}'
        f"</article></div><div>{other}</div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("title", "paragraphs", "chrome", "reason"),
    [
        (EN_TITLE, ENGLISH, (COOKIE,), "boilerplate"),
        (EN_TITLE, ENGLISH, (CORPORATE,), "boilerplate"),
        (EN_TITLE, ENGLISH, NEWSLETTER, "boilerplate"),
        (EN_TITLE, ENGLISH, TEASERS, "teasers"),
        (KO_TITLE, KOREAN, (KO_COOKIE,), "boilerplate"),
        (KO_TITLE, KOREAN, (KO_FOOTER,), "boilerplate"),
        (KO_TITLE, KOREAN, KO_RELATED, "teasers"),
    ],
    ids=["cookie", "corporate", "newsletter", "teasers", "ko-cookie", "ko-footer", "ko-related"],
)
def test_boilerplate_block_never_becomes_the_article(
    title: str, paragraphs: tuple[str, ...], chrome: tuple[str, ...], reason: str
) -> None:
    extracted = extract(page(title, paragraphs, chrome), "https://news.example/a/1")
    assert extracted is not None
    assert extracted.paragraphs == paragraphs
    assert extracted.override == reason
    assert parser_stats(extracted) == (
        "newsmon/parser/fallback",
        f"newsmon/parser/override/{reason}",
    )


def test_a_fragment_far_below_the_pages_prose_is_replaced() -> None:
    # A CMS container that holds only the standfirst; the story runs on in another block.
    html = (
        f"<html><head><title>{EN_TITLE}</title></head><body><h1>{EN_TITLE}</h1>"
        f'<div class="article-body"><p>{ENGLISH[0]}</p></div>'
        f'<div class="story">{"".join(f"<p>{t}</p>" for t in ENGLISH[1:])}</div>'
        "</body></html>"
    ).encode()
    extracted = extract(html, "https://news.example/a/2")
    assert extracted is not None
    assert extracted.override == "mass"
    assert extracted.paragraphs[1:] == ENGLISH[1:]


def test_a_short_body_is_not_replaced_by_a_different_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A photo story: two sentences in the CMS container, a long comment thread beside it,
    # which the general extractor returns.
    caption = (KOREAN[0], KOREAN[1])
    comments = tuple(
        f"{i}번째 댓글: 사업이 잘 되길 바라지만 예산이 너무 적은 것 같다는 의견이 많다."
        for i in range(20)
    )
    monkeypatch.setattr(article, "trafilatura_lines", lambda html: list(comments))
    html = (
        f"<html><head><title>{KO_TITLE}</title></head><body><h1>{KO_TITLE}</h1>"
        f'<div id="article-view-content-div">{"".join(f"<p>{t}</p>" for t in caption)}</div>'
        f'<div class="talk">{"".join(f"<p>{t}</p>" for t in comments)}</div></body></html>'
    ).encode()
    extracted = extract(html, "https://news.example/news/articleView.html?idxno=2")
    assert extracted is not None
    assert (extracted.paragraphs, extracted.override) == (caption, None)


def test_an_undoubted_body_never_asks_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(html: str) -> list[str]:
        raise AssertionError("trafilatura ran on a page whose body nobody doubted")

    monkeypatch.setattr(article, "trafilatura_lines", refuse)
    html = (
        f"<html><head><title>{KO_TITLE}</title></head><body><h1>{KO_TITLE}</h1>"
        f'<div id="article-view-content-div">{"".join(f"<p>{t}</p>" for t in KOREAN)}</div>'
        f"<div>{KO_RELATED[0]}</div></body></html>"
    ).encode()
    extracted = extract(html, "https://news.example/news/articleView.html?idxno=1")
    assert extracted is not None
    assert (extracted.paragraphs, extracted.parser, extracted.override) == (
        KOREAN,
        "articleview",
        None,
    )
    assert parser_stats(extracted) == ("newsmon/parser/articleview",)


def prose_of(html: bytes) -> Prose:
    root = parse_document(html.decode())
    assert root is not None
    return page_prose(root)


def test_screen_names_the_doubt() -> None:
    prose = prose_of(page(EN_TITLE, ENGLISH, ()))
    assert screen(list(ENGLISH), prose) == Screened(list(ENGLISH), None)
    assert screen([COOKIE], prose).doubt == "boilerplate"
    assert screen([COOKIE], prose).lines == []
    assert screen(list(TEASERS), prose).doubt == "teasers"
    assert screen([ENGLISH[0]], prose).doubt == "mass"


@pytest.mark.parametrize(
    ("doubt", "ours", "general", "wins"),
    [
        (None, ["short"], list(ENGLISH), False),  # nobody doubted ours: never replaced
        ("mass", [ENGLISH[0]], list(ENGLISH), True),  # the same story, much fuller
        ("mass", [], list(ENGLISH), True),  # no body at all
        ("mass", [KOREAN[0]], list(ENGLISH), False),  # a different block, however long
        ("mass", list(ENGLISH[:4]), list(ENGLISH), False),  # ... only a little fuller
        ("boilerplate", [], list(ENGLISH), True),  # ours was a banner: any real body wins
        ("teasers", list(TEASERS), list(ENGLISH), True),
        ("boilerplate", [], ["Too short to be a body."], False),
        ("mass", [ENGLISH[0]], list(TEASERS) * 2, False),  # the general answer is teasers
    ],
)
def test_rule_when_two_answers_disagree(
    doubt: str | None, ours: list[str], general: list[str], wins: bool
) -> None:
    assert prefer_general(Screened(ours, doubt), general) is wins


@pytest.mark.parametrize("line", [COOKIE, CORPORATE, *NEWSLETTER, KO_COOKIE, KO_FOOTER])
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        *ENGLISH,
        *KOREAN,
        "Bake the cookies for twelve minutes, until the edges are golden and the centres soft.",
        "그는 1998년부터 이 신문의 발행인 겸 편집인을 맡아 왔다.",
        # News about cookies and consent is reported, not addressed to the reader.
        "구글은 내년부터 크롬에서 서드파티 쿠키 사용을 중단한다고 밝혔다.",
        "업체는 개인정보 수집 동의 없이 고객 정보를 넘긴 혐의를 받는다.",
        "Regulators said the site uses cookies to follow readers across the web without consent.",
        "Google will stop allowing third-party cookies in Chrome, the company said on Tuesday.",
        "Critics say the site uses a loophole to track visitors without their consent, "
        "and regulators have opened an inquiry into how the data was shared with advertisers "
        "in at least three countries over the past two years, according to the filing, which "
        "runs to more than two hundred pages and names a dozen firms that bought the data, "
        "some of them well known, others small brokers that few people have heard of, and "
        "all of which deny wrongdoing; a hearing is scheduled for March, when the court will "
        "decide whether the case can go ahead as a class action on behalf of millions of users "
        "who never agreed to be tracked and say they were never told.",
    ],
)
def test_article_lines_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(line)


def test_teaser_list_and_section_ends() -> None:
    assert is_teaser_list(TEASERS) and is_teaser_list(KO_RELATED)
    assert not is_teaser_list(ENGLISH) and not is_teaser_list([*ENGLISH, TEASERS[0]])
    for heading in ("Related Articles", "More Great WIRED Stories", "3 Comments", "Read more:"):
        assert ends_article(heading), heading
    for line in ("About 300 people died.", "More than 200 died in the fire", ENGLISH[0]):
        assert not ends_article(line), line
