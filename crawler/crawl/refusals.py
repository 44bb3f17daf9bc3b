"""Requests newsmon refuses on purpose, and short reasons for download failures."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from twisted.python.failure import Failure

# Refusals that will not change on the next run: the URL is remembered in seen_urls.
PERMANENT = frozenset({"too_large", "redirect_loop", "too_many_redirects", "off_scope"})


class Refused(IgnoreRequest):
    """A request newsmon will not complete; `reason` is a snake_case stats key."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail

    @property
    def permanent(self) -> bool:
        return self.reason in PERMANENT


def as_refusal(error: BaseException | None, url: str, max_bytes: int) -> Refused | None:
    """The refusal an error stands for: ours, or one Scrapy makes without saying which."""
    if isinstance(error, Refused):
        return error
    if isinstance(error, DownloadCancelledError):  # Scrapy cancels a body past DOWNLOAD_MAXSIZE
        return Refused("too_large", f"{url}: more than {max_bytes} bytes")
    if isinstance(error, IgnoreRequest) and str(error) == "max redirections reached":
        # e.g. a chain of meta refreshes (3xx chains are refused before Scrapy gets this far)
        return Refused("too_many_redirects", f"{url}: more redirects than REDIRECT_MAX_TIMES")
    return None


def failure_reason(failure: Failure) -> str:
    """A few words on why a download failed: `HTTP 503`, `TLS error: wrong version number`."""
    value = failure.value
    if isinstance(value, Refused):
        return str(value)
    response = getattr(value, "response", None)
    if response is not None and getattr(response, "status", None):
        return f"HTTP {response.status}"
    tls = _tls_reason(value)
    if tls is not None:
        return f"TLS error: {tls}"
    # Scrapy re-raises Twisted's ResponseFailed as DownloadFailedError(str(...)): the list of
    # real errors is on the cause.
    wrapped = (
        getattr(value, "__cause__", None) if getattr(value, "reasons", None) is None else value
    )
    inner = [f.value for f in getattr(wrapped, "reasons", None) or () if isinstance(f, Failure)]
    if inner:
        return "; ".join(_short(error) for error in inner)
    return _short(value)


def _short(error: BaseException | None) -> str:
    return f"{type(error).__name__}: {error}".strip().rstrip(":")


def _tls_reason(error: Any, depth: int = 0) -> str | None:
    """OpenSSL's own reason ('certificate verify failed'), searched through wrapped failures."""
    if depth > 3:
        return None
    if type(error).__module__.startswith("OpenSSL"):
        details = error.args[0] if error.args else None
        if isinstance(details, list) and details and isinstance(details[-1], tuple):
            return str(details[-1][-1]) or type(error).__name__
        return str(error) or type(error).__name__
    nested = [*(getattr(error, "reasons", None) or ()), getattr(error, "__cause__", None)]
    for inner in nested:
        value = inner.value if isinstance(inner, Failure) else inner
        found = _tls_reason(value, depth + 1) if value is not None else None
        if found is not None:
            return found
    return None
