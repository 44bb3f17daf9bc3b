"""A POST-recording webhook on 127.0.0.1 with a random port; can fail its first N requests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Webhook:
    """Received JSON bodies in order; answers `fail_first` requests with `fail_status`."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.attempts = 0
        self.fail_first = 0
        self.fail_status = 500
        self.url = ""
        self.lock = threading.Lock()
        self.delivered = threading.Condition(self.lock)

    def texts(self) -> list[str]:
        with self.lock:
            return [str(body.get("text")) for body in self.received]

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Block until `count` messages arrived (returns as soon as they do)."""
        with self.delivered:
            return self.delivered.wait_for(lambda: len(self.received) >= count, timeout)


def _handler(hook: Webhook) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with hook.lock:
                hook.attempts += 1
                failing = hook.attempts <= hook.fail_first
                if not failing:
                    hook.received.append(json.loads(body))
                    hook.delivered.notify_all()
            self.send_response(hook.fail_status if failing else 200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_webhook() -> Iterator[Webhook]:
    """Serve a recording webhook until the block ends."""
    hook = Webhook()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hook))
    server.daemon_threads = True
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/T000/B000/secret-token"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
