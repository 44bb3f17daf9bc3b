"""A small, polite httpx fetcher for entry-point discovery: robots.txt, byte caps, TLS options."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from crawler.probes.tls import tls_context, with_tls_hint
from crawler.urls import MAX_REDIRECTS, REDIRECT_STATUSES

MAX_BYTES = 2 * 1024 * 1024  # a homepage is rarely over 1 MB; a 5 MB one is cut, not refused


@dataclass(frozen=True)
class Fetched:
    """One answer (or the reason there is none)."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int | None
    content_type: str | None
    body: bytes
    truncated: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200 and bool(self.body)

    @property
    def problem(self) -> str:
        """Why this answer is unusable ('' when it is usable)."""
        if self.error:
            return self.error
        if self.status != 200:
            return f"HTTP {self.status}"
        return "" if self.body else "empty body"


class Fetcher(Protocol):
    def fetch(self, url: str) -> Fetched: ...

    def robots_txt(self, url: str) -> str: ...


class _Resolve(httpx.HTTPTransport):
    """Send requests for some hosts to another address (like curl --resolve)."""

    def __init__(self, hosts: Mapping[str, str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.hosts = dict(hosts)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        target = self.hosts.get(f"{url.host}:{url.port}") or self.hosts.get(url.host)
        if target is not None:
            host, _, port = target.partition(":")
            # A copy goes to the address; the client keeps the original request (and URL).
            request = httpx.Request(
                request.method,
                url.copy_with(host=host, port=int(port) if port else None),
                headers=request.headers,
                stream=request.stream,
            )
        return super().handle_request(request)


@dataclass(frozen=True)
class Hop:
    """One request's answer: status, body and headers, or why there is none."""

    status: int | None
    body: bytes
    headers: httpx.Headers | None
    error: str | None = None

    def redirect(self, url: str) -> str | None:
        """Where this answer to `url` sends the client (a 3xx with a Location), else None."""
        location: str | None = self.headers.get("Location") if self.headers else None
        if self.status in REDIRECT_STATUSES and location:
            return urljoin(url, location.strip())
        return None


class HttpFetcher:
    """GET with redirects, robots.txt obeyed per host, at most `max_bytes` read per answer."""

    def __init__(
        self,
        user_agent: str,
        timeout: float = 15.0,
        max_bytes: int = MAX_BYTES,
        obey_robots: bool = True,
        tls_ciphers: str = "",
        resolve: Mapping[str, str] | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self.obey_robots = obey_robots
        self.tls_ciphers = tls_ciphers
        self._robots: dict[str, Protego | None] = {}
        self._robots_text: dict[str, str] = {}
        verify: ssl.SSLContext | bool = tls_context(tls_ciphers) if tls_ciphers else True
        transport = _Resolve(resolve or {}, verify=verify)
        self.client = httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            transport=transport,
            headers={"User-Agent": user_agent},
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str) -> Fetched:
        if not self.allowed(url):
            return Fetched(url, url, None, None, b"", error="disallowed by robots.txt")
        return self._get(url)

    def robots_txt(self, url: str) -> str:
        """The robots.txt text of `url`'s origin ('' when there is none)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots_text:
            answer = self._get(f"{origin}/robots.txt")
            ok = answer.status == 200 and not answer.truncated
            self._robots_text[origin] = answer.body.decode("utf-8", "replace") if ok else ""
        return self._robots_text[origin]

    def robots_known(self, url: str) -> bool:
        """Whether `allowed(url)` answers without a request (robots.txt read, or not obeyed)."""
        parts = urlsplit(url)
        return not self.obey_robots or f"{parts.scheme}://{parts.netloc}" in self._robots

    def allowed(self, url: str) -> bool:
        if not self.obey_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            text = self.robots_txt(url)
            self._robots[origin] = Protego.parse(text) if text else None
        rules = self._robots[origin]
        return rules is None or rules.can_fetch(url, self.user_agent)

    def _get(self, url: str) -> Fetched:
        try:
            with self.client.stream("GET", url) as response:
                body, truncated = self.read_capped(response)
                return Fetched(
                    url,
                    str(response.url),
                    response.status_code,
                    response.headers.get("Content-Type"),
                    body,
                    truncated,
                )
        except httpx.ConnectError as exc:
            return Fetched(url, url, None, None, b"", error=self._connect_error(exc))
        except (httpx.HTTPError, ValueError) as exc:
            return Fetched(url, url, None, None, b"", error=f"{type(exc).__name__}: {exc}")

    def hop(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Hop:
        """One conditional GET of `url`, redirects not followed (the caller checks each hop's
        scope), the body read up to `max_bytes` (a larger one is an error, not a cut page)."""
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        try:
            with self.client.stream(
                "GET", url, headers=conditional, follow_redirects=False
            ) as response:
                body, cut = self.read_capped(response)
                if cut:
                    return Hop(None, b"", None, f"larger than {self.max_bytes} bytes")
                return Hop(response.status_code, body, response.headers)
        except (httpx.HTTPError, ValueError) as exc:
            return Hop(
                None, b"", None, with_tls_hint(f"{type(exc).__name__}: {exc}", self.tls_ciphers)
            )

    def read_capped(self, response: httpx.Response) -> tuple[bytes, bool]:
        """The body of a streamed response, cut at `max_bytes`; True when it was cut."""
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_bytes:
                return b"".join(chunks)[: self.max_bytes], True
        return b"".join(chunks), False

    def _connect_error(self, exc: httpx.ConnectError) -> str:
        return with_tls_hint(f"{type(exc).__name__}: {exc}", self.tls_ciphers)
