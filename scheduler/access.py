"""Who may look at the daemon's HTTP side: where it binds, and the bearer token beyond loopback."""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass

from crawler.config import ConfigError, DaemonConfig

MIN_TOKEN_CHARS = 16


@dataclass(frozen=True)
class Listen:
    """Where the server binds."""

    host: str
    port: int

    @property
    def loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_listen(value: str) -> Listen | None:
    """`[daemon] listen` as HOST:PORT ("[::1]:8750" for IPv6); None when empty (server off)."""
    value = value.strip()
    if not value:
        return None
    host, sep, port = value.rpartition(":")
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ConfigError(f"[daemon] listen {value!r}: expected HOST:PORT, e.g. 127.0.0.1:8750")
    # One address, one socket: "localhost" may resolve to both ::1 and 127.0.0.1.
    return Listen("127.0.0.1" if host == "localhost" else host, int(port))


def check_access(daemon: DaemonConfig) -> Listen | None:
    """The address to bind, or ConfigError when it is not loopback and no token guards it."""
    listen = parse_listen(daemon.listen)
    if listen is None:
        return None
    token = daemon.listen_token
    if token and len(token) < MIN_TOKEN_CHARS:
        raise ConfigError(f"[daemon] listen_token must have at least {MIN_TOKEN_CHARS} characters")
    if not listen.loopback and not token:
        raise ConfigError(
            f"[daemon] listen = {str(listen)!r} is reachable from other machines: set "
            "[daemon] listen_token (or NEWSMON_DAEMON_LISTEN_TOKEN) so that requests must carry "
            "it, listen on 127.0.0.1, or set listen to an empty string to turn the server off"
        )
    return listen


def authorized(header: str, token: str) -> bool:
    """`Authorization: Bearer <token>`, compared in constant time."""
    scheme, _, given = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())
