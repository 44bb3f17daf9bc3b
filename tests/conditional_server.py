"""A fixture server that honours conditional GETs (ETag / Last-Modified) and Retry-After.

A FixtureSite (served by tests/fixture_server.serve), plus: a page may carry an ETag or a
Last-Modified stamp and then answers 304 to a request that presents it, and a page may answer
a scripted sequence of statuses first (e.g. 429 with Retry-After, then its body).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.fixture_server import FixtureSite, Page, serve


@dataclass
class Hit:
    """One request the server answered."""

    path: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class ConditionalSite(FixtureSite):
    """A FixtureSite whose pages may have validators and scripted first answers."""

    def __init__(self) -> None:
        super().__init__()
        self.etags: dict[str, str] = {}
        self.last_modified: dict[str, str] = {}
        self.script: dict[str, list[Page]] = {}
        self.hits: list[Hit] = []

    def validate(self, path: str, etag: str | None = None, modified: str | None = None) -> None:
        if etag is not None:
            self.etags[path] = etag
        if modified is not None:
            self.last_modified[path] = modified

    def first_answers(self, path: str, *pages: Page) -> None:
        self.script[path] = list(pages)

    def answered(self, prefix: str = "") -> list[Hit]:
        with self.lock:
            return [hit for hit in self.hits if hit.path.startswith(prefix)]

    def clear_log(self) -> None:
        with self.lock:
            self.requests.clear()
            self.hits.clear()

    def record(self, path: str, page: Page, headers: dict[str, str]) -> None:
        with self.lock:
            self.requests.append(path)
            self.hits.append(Hit(path, page.status, headers))

    def answer(self, path: str, headers: dict[str, str]) -> tuple[Page, list[tuple[str, str]]]:
        with self.lock:
            scripted = self.script.get(path)
            if scripted:
                return scripted.pop(0), []
        page = self.routes.get(path) or Page(b"not found", "text/plain", 404)
        etag, modified = self.etags.get(path), self.last_modified.get(path)
        extra = [("ETag", etag)] if etag else []
        extra += [("Last-Modified", modified)] if modified else []
        fresh = (etag and headers.get("if-none-match") == etag) or (
            modified and not etag and headers.get("if-modified-since") == modified
        )
        if fresh:
            return Page(b"", page.content_type, 304), extra
        return page, extra


# The shared server serves any FixtureSite through its `answer` and `record`.
serve_conditional = serve
