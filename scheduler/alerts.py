"""Slack-compatible webhook alerts, sent from a worker thread with retries; never blocks a crawl."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from crawler.timeutil import KST

logger = logging.getLogger(__name__)

Message = dict[str, Any]
DeliveryHook = Callable[[str, bool], None]  # (alert kind, delivered) after each attempt series
DIGEST_LIMIT = 20  # Slack allows 50 blocks per message; keep the digest readable.
_STOP = object()


@dataclass(frozen=True)
class DigestItem:
    """One new article in a digest."""

    headline: str
    url: str | None
    file_name: str


def _escape(text: str) -> str:
    """Slack mrkdwn needs these three escaped, nothing else."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _message(text: str, *lines: str) -> Message:
    return {"text": text, "blocks": [_section(_escape(text)), *(_section(line) for line in lines)]}


def _kst(moment: datetime) -> str:
    return moment.astimezone(KST).strftime("%Y-%m-%d %H:%M KST")


def digest_message(outlet: str, items: Sequence[DigestItem]) -> Message:
    """New articles of one outlet: headline (linked), outlet and corpus file name."""
    count = len(items)
    text = f"{outlet}: {count} new article{'s' if count != 1 else ''}"
    lines = []
    for item in items[:DIGEST_LIMIT]:
        headline = _escape(item.headline)
        linked = f"<{item.url}|{headline}>" if item.url else headline
        lines.append(f"• {linked}\n{_escape(outlet)} · `{_escape(item.file_name)}`")
    if count > DIGEST_LIMIT:
        lines.append(f"… and {count - DIGEST_LIMIT} more")
    return _message(text, *lines)


def retraction_message(outlet: str, items: Sequence[tuple[DigestItem, str]]) -> Message:
    """Stored articles of one outlet found taken down: headline (linked), file, the evidence."""
    count = len(items)
    text = f"{outlet}: {count} article{'s' if count != 1 else ''} retracted"
    lines = []
    for item, detail in items[:DIGEST_LIMIT]:
        headline = _escape(item.headline)
        linked = f"<{item.url}|{headline}>" if item.url else headline
        lines.append(f"• {linked}\n`{_escape(item.file_name)}` · {_escape(detail)}")
    if count > DIGEST_LIMIT:
        lines.append(f"… and {count - DIGEST_LIMIT} more")
    return _message(text, *lines)


def failure_message(outlet: str, key: str, streak: int, reason: str | None) -> Message:
    """A source has failed `streak` runs in a row."""
    text = f"{outlet} ({key}) has failed {streak} runs in a row"
    return _message(text, f"Last error: {_escape(reason or 'unknown')}")


def recovery_message(outlet: str, key: str, streak: int) -> Message:
    """A failing source works again."""
    return _message(f"{outlet} ({key}) recovered after {streak} failed runs")


def silence_message(outlet: str, key: str, last_added: datetime, gap: float) -> Message:
    """No new article for several times the usual gap."""
    text = f"{outlet} ({key}) is silent: no new article since {_kst(last_added)}"
    return _message(text, f"It usually adds articles every {gap / 3600:.1f} h.")


def layout_message(outlet: str, key: str, fetched: int) -> Message:
    """Pages are fetched but none yields a body: the site's layout probably changed."""
    text = f"{outlet} ({key}): {fetched} pages fetched, none yielded an article body"
    return _message(text, "The site's layout may have changed; check its parser.")


def entry_points_message(
    outlet: str, key: str, old: Sequence[str], found: Sequence[str]
) -> Message:
    """Every configured discovery URL failed; discovery found these instead (config untouched)."""
    text = f"{outlet} ({key}): its discovery URLs failed; crawled the entry points found instead"
    old_lines = "\n".join(f"• {_escape(url)}" for url in old) or "• (none)"
    new_lines = "\n".join(f"• {_escape(url)}" for url in found) or "• (none)"
    return _message(
        text,
        f"Configured:\n{old_lines}",
        f"Found on the homepage:\n{new_lines}",
        "Update the source's entry in the config file to keep them.",
    )


class AlertSender:
    """POST messages to the webhook from one worker thread; failures are logged, never raised."""

    def __init__(
        self,
        url: str,
        timeout: float = 10.0,
        tries: int = 3,
        backoff: float = 0.5,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url
        self.tries = tries
        self.backoff = backoff
        self.sent = 0
        self.failed = 0
        self.on_delivery: DeliveryHook | None = None
        self._queue: queue.Queue[object] = queue.Queue()
        self._client = httpx.Client(timeout=timeout, transport=transport)
        self._thread = threading.Thread(target=self._work, name="alerts", daemon=True)
        self._quiet_http_logs()
        self._thread.start()

    @staticmethod
    def _quiet_http_logs() -> None:
        # httpx logs each request with its URL at INFO; the webhook URL is a secret.
        for name in ("httpx", "httpcore"):
            http_logger = logging.getLogger(name)
            if http_logger.level < logging.WARNING:
                http_logger.setLevel(logging.WARNING)

    def send(self, message: Message, kind: str = "other") -> None:
        """Queue a message (`kind`: digest, failure, recovery, silence, layout); returns at once."""
        self._queue.put((kind, message))

    def close(self, timeout: float = 5.0) -> None:
        """Deliver what is queued within `timeout`, then stop the worker."""
        self._queue.put(_STOP)
        self._thread.join(timeout)
        if self._thread.is_alive():
            logger.warning("Alerts still queued at shutdown were dropped")
        self._client.close()

    def _work(self) -> None:
        while True:
            message = self._queue.get()
            if message is _STOP:
                return
            assert isinstance(message, tuple)
            kind, body = message
            delivered = self._deliver(body)
            if self.on_delivery is not None:
                self.on_delivery(kind, delivered)

    def _deliver(self, message: Message) -> bool:
        problem = ""
        for attempt in range(self.tries):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self._client.post(self.url, json=message)
            except httpx.HTTPError as exc:
                problem = type(exc).__name__  # its text may contain the URL
                continue
            if response.status_code < 300:
                self.sent += 1
                return True
            problem = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                break
        self.failed += 1
        logger.error("Alert %r not delivered to the webhook: %s", message.get("text", ""), problem)
        return False


class NullSender:
    """Alerts switched off (no webhook_url): messages are only logged at debug level."""

    sent = 0
    failed = 0
    on_delivery: DeliveryHook | None = None

    def send(self, message: Message, kind: str = "other") -> None:
        logger.debug("Alert (no webhook configured): %s", message.get("text", ""))

    def close(self, timeout: float = 5.0) -> None:
        """Nothing to flush."""


def make_sender(url: str, timeout: float) -> AlertSender | NullSender:
    """The sender for `[alerts] webhook_url` ("" switches alerts off)."""
    return AlertSender(url, timeout=timeout) if url else NullSender()
