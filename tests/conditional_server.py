"""A fixture server that honours conditional GETs (ETag / Last-Modified) and Retry-After.

Like tests/fixture_server.py (same Page and FixtureSite), plus: a page may carry an ETag or a
Last-Modified stamp and then answers 304 to a request that presents it, and a page may answer
a scripted sequence of statuses first (e.g. 429 with Retry-After, then its body).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.fixture_server import FixtureSite, Page


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


def _handler(site: ConditionalSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            page, extra = site.answer(self.path, headers)
            with site.lock:
                site.requests.append(self.path)
                site.hits.append(Hit(self.path, page.status, headers))
            try:
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                for name, value in (*page.headers, *extra):
                    self.send_header(name, value)
                self.end_headers()
                if page.status != 304:
                    self.wfile.write(page.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_conditional(site: ConditionalSite) -> Iterator[ConditionalSite]:
    """Serve `site` on 127.0.0.1 with a random free port until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
