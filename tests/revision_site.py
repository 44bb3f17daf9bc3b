"""A fixture outlet whose articles change between requests: edits, ads, counters, deletions.

Every page is rendered from the article's current state when it is asked for, with an ETag of
its bytes (a conditional request for unchanged bytes is answered 304), and every request is
logged with its time, so tests can check the spacing of requests to the host.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from html import escape

from tests.fixture_server import FixtureSite, Page
from tests.sitegen import CHROME_FOOTER, CHROME_SIDE, CHROME_TOP


@dataclass
class Story:
    """One article as the outlet shows it now."""

    idxno: int
    headline: str
    paragraphs: list[str]
    ad: str = "[광고] 가을 특별 할인전 - 지금 바로 확인하세요"
    views: int = 1
    status: int = 200  # 404, 410, 503...
    redirect: str | None = None  # a Location to answer with (302)

    @property
    def path(self) -> str:
        return f"/news/articleView.html?idxno={self.idxno}"

    @property
    def text(self) -> str:
        return "\n".join((self.headline, *self.paragraphs))


def story(idxno: int) -> Story:
    lines = [
        f"광주시는 {idxno}일 인공지능 집적단지 2단계 사업 계획을 발표했다. 사업비는 4천억원 규모다.",
        "시 관계자는 데이터센터와 실증 장비를 지역 기업에 개방하겠다고 밝혔다.",
        "전문가들은 인재 양성과 기업 유치가 함께 가야 한다고 지적했다.",
    ]
    return Story(idxno, f"광주 AI 집적단지 2단계 사업 발표 {idxno}", lines)


def render(item: Story) -> str:
    """The article page: chrome, an ad block, a view counter inside the body, the text."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in item.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8">
<title>{escape(item.headline)} - 뉴스몬일보</title>
<meta property="og:title" content="{escape(item.headline)}">
<meta property="article:published_time" content="2025-10-21T09:30:00+09:00">
</head><body>{CHROME_TOP}
<div class="ad-top"><a href="/ad">{escape(item.ad)}</a></div>
<div id="container"><section class="article-view-header"><h3 class="heading">{escape(item.headline)}</h3>
<ul class="infomation"><li>기자명 홍길동 기자</li><li>입력 2025.10.21 09:30</li>
<li>조회수 {item.views}</li></ul></section>
<div class="article-body"><article id="article-view-content-div" class="article-veiw-body" itemprop="articleBody">
{body}
<p>조회수 {item.views}</p>
</article></div>{CHROME_SIDE}</div>{CHROME_FOOTER}</body></html>"""


FRONT = """<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>뉴스몬일보</title></head>
<body><h1>뉴스몬일보</h1><ul><li><a href="/news/articleList.html">전체기사</a></li></ul></body></html>"""


@dataclass(frozen=True)
class Logged:
    at: float  # time.monotonic() when the request arrived
    path: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class EditingOutlet(FixtureSite):
    """The outlet: stories by path, rendered on each request; a front page at /."""

    def __init__(self) -> None:
        super().__init__()
        self.stories: dict[str, Story] = {}
        self.log: list[Logged] = []
        self._state = threading.Lock()
        self.add("/", FRONT)

    def publish(self, *items: Story) -> None:
        with self._state:
            for item in items:
                self.stories[item.path] = item

    def edit(self, idxno: int, **changes: object) -> None:
        with self._state:
            item = self.stories[story(idxno).path]
            for name, value in changes.items():
                setattr(item, name, value)

    def answer(self, path: str, headers: dict[str, str]) -> tuple[Page, list[tuple[str, str]]]:
        with self._state:
            item = self.stories.get(path)
            if item is None:
                return super().answer(path, headers)
            if item.redirect is not None:
                return Page(b"", status=302, headers=(("Location", item.redirect),)), []
            if item.status != 200:
                return Page(b"unavailable", "text/plain", item.status), []
            body = render(item).encode("utf-8")
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        if headers.get("if-none-match") == etag:
            return Page(b"", status=304), [("ETag", etag)]
        return Page(body), [("ETag", etag)]

    def record(self, path: str, page: Page, headers: dict[str, str]) -> None:
        with self.lock:
            self.requests.append(path)
            self.log.append(Logged(time.monotonic(), path, page.status, headers))

    def logged(self, prefix: str = "/news/") -> list[Logged]:
        with self.lock:
            return [entry for entry in self.log if entry.path.startswith(prefix)]
