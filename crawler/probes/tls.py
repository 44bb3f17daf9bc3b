"""TLS options of a source: the legacy cipher level, its context, the hint (imports no httpx)."""

from __future__ import annotations

import re
import ssl

from crawler.sources.base import LEGACY_TLS_CIPHERS

TLS_HINT = f'try tls_ciphers = "{LEGACY_TLS_CIPHERS}"'
# OpenSSL's words when client and server agree on no protocol or cipher: what an older
# cipher level can cure (not e.g. "wrong version number", a server that speaks no TLS).
_NEGOTIATION = re.compile(
    r"handshake failure|no shared cipher|no ciphers? available|unsupported protocol|"
    r"no protocols available|dh key too small|legacy renegotiation|insufficient security",
    re.IGNORECASE,
)


def with_tls_hint(reason: str, tls_ciphers: str) -> str:
    """`reason`, plus the tls_ciphers hint when it is a negotiation failure and none is set."""
    if tls_ciphers or not _NEGOTIATION.search(reason):
        return reason
    return f"{reason} ({TLS_HINT})"


def tls_context(ciphers: str) -> ssl.SSLContext:
    """A verifying TLS context with `ciphers` (e.g. LEGACY_TLS_CIPHERS for an old government
    server); legacy renegotiation is allowed too, as such servers often need it."""
    context = ssl.create_default_context()
    context.set_ciphers(ciphers)
    context.options |= getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0)
    return context
