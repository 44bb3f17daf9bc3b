"""`sources check` names a broken source and what discovery suggests; TLS failures say why."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from crawler.config import build_config
from crawler.probes.check import check_sources, format_health
from crawler.probes.fetch import HttpFetcher
from crawler.probes.tls import with_tls_hint
from tests.fixture_server import FixtureSite, serve


def _site() -> FixtureSite:
    site = FixtureSite()
    links = "".join(
        f'<li><a href="/View.aspx?No={3822700 + i}">기사 {i}</a></li>' for i in range(5)
    )
    site.add("/", f"<html><head><title>시사창</title></head><body><ul>{links}</ul></body></html>")
    return site


def test_check_reports_broken_source_with_discovery_suggestion(tmp_path: Path) -> None:
    with serve(_site()) as site:
        text = f"""
[corpus]
dir = "{tmp_path}"
[[sources]]
key = "moved"
name = "시사창"
homepage = "{site.url("/")}"
listings = ["{site.url("/List.aspx?CNo=9")}"]
article_pattern = '/View\\.aspx\\?No=\\d+'
"""
        config = build_config(tomllib.loads(text), where="t.toml", env={})
        (result,) = check_sources(config, ["moved"])
    assert not result.ok
    assert result.urls[0].error == "HTTP 404"
    suggestion = result.suggestion
    assert suggestion is not None and suggestion["found"]
    assert suggestion["listings"] == [site.url("/")]
    assert suggestion["article_pattern"] == r"/View\.aspx\?(?:[^#]*&)?No=\d+"
    report = format_health([result])
    assert "discovery suggests:" in report and "pattern" in report
    assert result.as_dict()["suggestion"]["samples"][0] == site.url("/View.aspx?No=3822700")


def test_a_server_that_speaks_no_tls_is_not_sent_to_the_cipher_setting() -> None:
    with serve(_site()) as site, HttpFetcher("newsmon-test", timeout=5) as fetcher:
        answer = fetcher.fetch(site.url("/").replace("http://", "https://"))
    assert answer.error is not None and "SSL" in answer.error
    assert "tls_ciphers" not in answer.error  # an older cipher level cannot cure this
    assert answer.problem == answer.error


@pytest.mark.parametrize(
    ("reason", "hinted"),
    [
        ("TLS error: sslv3 alert handshake failure", True),
        ("ConnectError: [SSL: UNSUPPORTED_PROTOCOL] unsupported protocol (_ssl.c:1000)", True),
        ("ConnectError: [SSL: DH_KEY_TOO_SMALL] dh key too small (_ssl.c:1000)", True),
        ("TLS error: wrong version number", False),
        ("TLS error: certificate verify failed", False),
    ],
)
def test_negotiation_failures_name_the_cipher_setting(reason: str, hinted: bool) -> None:
    assert ("tls_ciphers" in with_tls_hint(reason, "")) is hinted
    assert with_tls_hint(reason, "DEFAULT:@SECLEVEL=1") == reason  # already set: no advice
