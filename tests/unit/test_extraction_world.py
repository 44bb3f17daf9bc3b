"""Layouts seen on the world's pages beyond Korean news: prose in other scripts, data tables,
articles cut into chunks between ads, and English headings that open the related-stories block."""

from __future__ import annotations

from crawler.parsers import extract
from crawler.parsers.chrome import is_chrome

RUSSIAN = (
    "Городской совет во вторник проголосовал за расширение парка у реки на двенадцать гектаров.",
    "Сторонники решения говорят, что новая земля даст семьям из восточных районов место для "
    "прогулок и игр.",
    "Противники предлагали направить деньги на ремонт дорог, указывая на ямы на главных улицах.",
)
CHUNKS = (
    (
        "First part of the story, which the template closes before an advertisement slot and "
        "then opens again in a new container of the same class."
    ),
    (
        "Second paragraph of the first part, long enough to count as prose of its own and keep "
        "the first chunk above the share a chunk must hold."
    ),
    (
        "Second part of the story, in the twin container after the advertisement, carrying on "
        "where the first part stopped and running for a while."
    ),
    (
        "It ends with a closing paragraph of the second part that is also long enough to be "
        "prose on its own, so that both parts are read."
    ),
)


def test_prose_in_any_script_is_text_not_symbols() -> None:
    for line in RUSSIAN:
        assert not is_chrome(line)
    assert is_chrome("★ ★ ★ 2019 · 12")
    html = (
        "<html><head><title>Совет расширит парк</title></head><body><h1>Совет расширит парк</h1>"
        f'<div class="text">{"".join(f"<p>{t}</p>" for t in RUSSIAN)}</div></body></html>'
    )
    extracted = extract(html.encode(), "https://news.example/ru/1")
    assert extracted is not None and extracted.paragraphs == RUSSIAN


def test_a_data_table_reads_one_row_a_line() -> None:
    rows = "".join(
        f"<tr><td>{pos}</td><td>{name}</td><td>{points}</td></tr>"
        for pos, name, points in ((1, "Kyle Busch", 5040), (2, "Martin Truex Jr.", 5035))
    )
    html = (
        "<html><head><title>Final standings</title></head><body><h1>Final standings</h1>"
        '<div class="article-body"><p>The final standings of the season after the last race '
        "of the year, with points for every driver:</p>"
        f"<table><tr><th>Pos.</th><th>Driver</th><th>Points</th></tr>{rows}</table>"
        "<p>Only the first twelve drivers took part in the playoff rounds this year.</p>"
        "</div></body></html>"
    )
    extracted = extract(html.encode(), "https://news.example/standings")
    assert extracted is not None
    assert extracted.paragraphs[1:] == (
        "Pos. Driver Points",
        "1 Kyle Busch 5040",
        "2 Martin Truex Jr. 5035",
        "Only the first twelve drivers took part in the playoff rounds this year.",
    )


def test_a_layout_table_is_still_read_as_blocks() -> None:
    html = (
        "<html><head><title>Old layout</title></head><body><h1>Old layout</h1><table><tr>"
        f"<td>{RUSSIAN[0]}<br>{RUSSIAN[1]}<br>{RUSSIAN[2]}</td></tr><tr><td>menu</td></tr>"
        "</table></body></html>"
    )
    extracted = extract(html.encode(), "https://news.example/old")
    assert extracted is not None and extracted.paragraphs == RUSSIAN


def test_an_article_cut_into_same_class_chunks_is_read_whole() -> None:
    # The class reads as boilerplate, as on real templates ('grid-layout--adrail'), so the
    # density strategy reads it; the two chunks sit apart, an advertisement between them.
    first, second = CHUNKS[:2], CHUNKS[2:]
    chunk = '<div class="chunk grid-layout--adrail"><div class="body">{}</div></div>'
    html = (
        "<html><head><title>Chunks</title></head><body><h1>Chunks</h1><main>"
        + chunk.format("".join(f"<p>{t}</p>" for t in first))
        + '<div class="ad-slot">Advertisement</div>'
        + chunk.format("".join(f"<p>{t}</p>" for t in second))
        + "</main></body></html>"
    )
    extracted = extract(html.encode(), "https://news.example/chunks")
    assert extracted is not None and extracted.paragraphs == CHUNKS


def test_an_english_related_heading_ends_the_body() -> None:
    related = "".join(
        f"<p>Another story about something else entirely, number {i}</p>" for i in range(3)
    )
    html = (
        "<html><head><title>Chunks</title></head><body><h1>Chunks</h1>"
        f'<div class="article-body">{"".join(f"<p>{t}</p>" for t in CHUNKS)}'
        f"<h3>More Great Stories</h3>{related}</div></body></html>"
    )
    extracted = extract(html.encode(), "https://news.example/related")
    assert extracted is not None and extracted.paragraphs == CHUNKS


def test_lead_paragraphs_beside_the_densest_block_are_kept() -> None:
    # The story opens in the article element; the rest sits in a paywall box inside it.
    lead, rest = CHUNKS[:1], CHUNKS[1:]
    html = (
        "<html><head><title>Lead</title></head><body><h1>Lead</h1><div class='slider-wrap'>"
        f"<article>{''.join(f'<p>{t}</p>' for t in lead)}"
        f"<div class='paywall'>{''.join(f'<p>{t}</p>' for t in rest)}</div></article>"
        "</div></body></html>"
    )
    extracted = extract(html.encode(), "https://news.example/lead")
    assert extracted is not None and extracted.paragraphs == CHUNKS
