"""Built-in registry: official and institutional press releases (city, GIST), entries only.

The AI-hub story starts from these: the city's and GIST's releases come before the articles.
"""

from __future__ import annotations

from crawler.sources.base import Source
from crawler.sources.tls import LEGACY_TLS_CIPHERS

SOURCES: tuple[Source, ...] = (
    Source(
        key="gwangju-city",
        name="광주광역시 보도자료",
        region="gwangju",
        homepage="https://www.gwangju.go.kr/",
        listings=("https://www.gwangju.go.kr/boardList.do?pageId=www789&boardId=BD_0000000027",),
        article_pattern=r"/boardView\.do\?(?=[^#]*\bboardId=BD_0000000027)[^#]*\bseq=\d+",
        sample_article=(
            "https://www.gwangju.go.kr/boardView.do?pageId=www789&boardId=BD_0000000027&seq=22050"
        ),
        tls_ciphers=LEGACY_TLS_CIPHERS,
        provenance=(
            "listing and articles: CONFIRMED, several public scrapers use boardList.do?pageId="
            "www789&boardId=BD_0000000027 and boardView.do?…&seq=N (one quotes a stored list "
            "with seq=22050); TLS: GUESS from public reports that the server needs an older "
            "cipher level, hence tls_ciphers (without it a handshake failure says so)"
        ),
    ),
    Source(
        key="gist",
        name="GIST 보도자료",
        region="gwangju",
        homepage="https://www.gist.ac.kr/",
        listings=("https://www.gist.ac.kr/kr/html/sub07/070103.html",),
        article_pattern=r"/kr/html/sub07/070103\.html\?(?=[^#]*\bmode=V)[^#]*\bno=\d+",
        sample_article="https://www.gist.ac.kr/kr/html/sub07/070103.html?mode=V&no=219806",
        provenance=(
            "listing: the press-release board sub07/070103.html as reported (unverified here); "
            "articles: CONFIRMED form ?mode=V&no=N on the sibling board sub07/070102.html "
            "(no=219806, a public page); the sample's id on 070103 is a GUESS"
        ),
    ),
)
