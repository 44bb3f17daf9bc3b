"""Built-in registry: official and institutional press releases (city, GIST), entries only.

The AI-hub story starts from these: the city's and GIST's releases come before the articles.
"""

from __future__ import annotations

from crawler.sources.base import LEGACY_TLS_CIPHERS, Source

SOURCES: tuple[Source, ...] = (
    Source(
        key="jeonnam-gwangju",
        name="전남광주특별시 보도자료",
        region="gwangju-jeonnam",
        homepage="https://www.jeonnam-gwangju.go.kr/",
        listings=(
            "https://www.jeonnam-gwangju.go.kr/boardList.do?pageId=jngj22&boardId=JG_0000000003",
        ),
        article_pattern=r"/boardView\.do\?(?=[^#]*\bboardId=JG_0000000003)[^#]*\bseq=\d+",
        sample_article=(
            "https://www.jeonnam-gwangju.go.kr/boardView.do?pageId=jngj22&boardId=JG_0000000003"
            "&seq=78"
        ),
        # Old release URLs point at the former province's governor site; it now rewrites them.
        extra_hosts=("governor.jeonnam.go.kr",),
        provenance=(
            "the integrated city's press releases since 2026-07-01; listing: CONFIRMED, the "
            "board list URL configured by two public 2026 projects; articles: CONFIRMED, "
            "boardView.do?pageId=jngj22&boardId=JG_0000000003&seq=78 in a public project's "
            "test, which also shows old governor.jeonnam.go.kr detail URLs rewritten to this "
            "host (hence extra_hosts)"
        ),
    ),
    Source(
        key="jeonnam-gwangju-news",
        name="전남광주특별시 온라인 뉴스",
        region="gwangju-jeonnam",
        homepage="https://news.jeonnam-gwangju.go.kr/",
        listings=("https://news.jeonnam-gwangju.go.kr/gallery.es?mid=a50101000000&bid=0009",),
        article_pattern=(r"/gallery\.es\?(?=[^#]*\bact=view)(?=[^#]*\bbid=0009)[^#]*\blist_no=\d+"),
        sample_article=(
            "https://news.jeonnam-gwangju.go.kr/gallery.es?act=view&bid=0009&list_no=6903"
            "&mid=a50101000000&obid=0009&tab_type=data"
        ),
        provenance=(
            "articles: CONFIRMED, the view form gallery.es?act=view&bid=0009&list_no=N (a public "
            "project cites list_no=6903); listing gallery.es?mid=a50101000000&bid=0009: GUESS, "
            "the same board without act=view"
        ),
    ),
    Source(
        key="gwangju-city",
        name="(구)광주광역시 보도자료",
        region="gwangju",
        homepage="https://www.gwangju.go.kr/",
        listings=("https://www.gwangju.go.kr/boardList.do?boardId=BD_0000000027",),
        article_pattern=r"/boardView\.do\?(?=[^#]*\bboardId=BD_0000000027)[^#]*\bseq=\d+",
        sample_article=(
            "https://www.gwangju.go.kr/boardView.do?pageId=www789&boardId=BD_0000000027&seq=22050"
        ),
        tls_ciphers=LEGACY_TLS_CIPHERS,
        provenance=(
            "the former city's site, which calls itself (구)광주광역시 since 2026-07-01 (new "
            "releases are on jeonnam-gwangju); listing boardList.do?boardId=BD_0000000027 "
            "without pageId: GUESS, the 2026 review reports the pageId parameter retired (a "
            "request with pageId=www789, CONFIRMED by several public scrapers before, is "
            "redirected); articles: CONFIRMED boardView.do?…&seq=N (a public scraper quotes a "
            "stored list with seq=22050; the pattern needs no pageId); TLS: GUESS from public "
            "reports that the server needs an older cipher level, hence tls_ciphers"
        ),
    ),
    Source(
        key="gist",
        name="GIST 보도자료",
        region="gwangju",
        homepage="https://www.gist.ac.kr/",
        listings=("https://www.gist.ac.kr/kr/html/sub07/070103.html",),
        # GIST's news boards (sub07/0701NN) share one view form; ids are board-wide.
        article_pattern=r"/kr/html/sub07/0701\d\d\.html\?(?=[^#]*\bmode=V)[^#]*\bno=\d+",
        sample_article="https://www.gist.ac.kr/kr/html/sub07/070102.html?mode=V&no=219806",
        provenance=(
            "listing: the press-release board sub07/070103.html as reported (GUESS, unverified "
            "here); articles: CONFIRMED form ?mode=V&no=N, the sample no=219806 is a public "
            "page of the sibling board sub07/070102.html (the id belongs to that board, not "
            "to 070103, so the sample says so)"
        ),
    ),
)
