"""A local HTTP server on 127.0.0.1 with a random port that serves a fixture site from memory."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering (a hanging server)
    headers: tuple[tuple[str, str], ...] = ()


class FixtureSite:
    """Routes (path with query) -> Page; records every request path in order."""

    def __init__(self) -> None:
        self.routes: dict[str, Page] = {}
        self.requests: list[str] = []
        self.lock = threading.Lock()
        self.base_url = ""

    def add(self, path: str, page: Page | bytes | str, **kwargs: object) -> None:
        if isinstance(page, str):
            page = page.encode("utf-8")
        if isinstance(page, bytes):
            page = Page(page, **kwargs)  # type: ignore[arg-type]
        self.routes[path] = page

    def url(self, path: str) -> str:
        return self.base_url + path

    def requested(self, prefix: str = "") -> list[str]:
        with self.lock:
            return [p for p in self.requests if p.startswith(prefix)]

    def clear_log(self) -> None:
        with self.lock:
            self.requests.clear()

    def answer(self, path: str, headers: dict[str, str]) -> tuple[Page, list[tuple[str, str]]]:
        """The page for a request, and extra response headers (subclasses add validators)."""
        return self.routes.get(path) or Page(b"not found", "text/plain", 404), []

    def record(self, path: str, page: Page, headers: dict[str, str]) -> None:
        with self.lock:
            self.requests.append(path)


def _handler(site: FixtureSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            page, extra = site.answer(self.path, headers)
            site.record(self.path, page, headers)
            if page.delay:
                time.sleep(page.delay)
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


class _Server(ThreadingHTTPServer):
    # A crawl opens many connections at once: the default backlog of 5 drops the rest's SYNs,
    # which the client repeats only a second later.
    request_queue_size = 128


@contextmanager
def serve(site: FixtureSite) -> Iterator[FixtureSite]:
    """Serve `site` on 127.0.0.1 with a random free port until the block ends."""
    server = _Server(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
