"""JSON listings: an API answer whose items give article URLs, through the one dispatch."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.config import ConfigError, load_config
from crawler.discovery import ApiListing, DiscoveryError, parse_api_listing, read_discovery
from crawler.sources import BUILTIN_SOURCES, Source, SourceError
from newsmon.commands import sources_rows
from tests.paths import FIXTURES

KBS_ANSWER = (FIXTURES / "feeds" / "kbs_local_api.json").read_bytes()
API_URL = "https://news.kbs.co.kr/api/getNewsList?localCode=40"
KBS = next(source for source in BUILTIN_SOURCES if source.key == "kbs-gwangju")


def test_kbs_entry_reads_its_api_answer() -> None:
    found = read_discovery("api", KBS_ANSWER, API_URL, KBS.pattern, KBS.api_listing)
    assert [link.url for link in found.links] == [
        "https://news.kbs.co.kr/news/view.do?ncd=8401001",
        "https://news.kbs.co.kr/news/view.do?ncd=8401002",  # a numeric id is written as text
        "https://news.kbs.co.kr/news/view.do?ncd=8401003",
    ]  # the repeat, the items without a code and the non-object are skipped
    assert found.links[0].published_at == datetime(2026, 12, 5, 9, 30, tzinfo=UTC)  # KST
    assert found.links[2].published_at is None and found.children == []


def test_url_field_at_a_nested_path_resolves_relative_urls() -> None:
    answer = {"result": {"items": [{"link": {"href": "/news/1234"}}, {"link": {"href": "/x"}}]}}
    spec = ApiListing(items="result.items", url_field="link.href")
    links = parse_api_listing(
        json.dumps(answer).encode(), "http://127.0.0.1/api", spec, re.compile(r"/news/\d+")
    )
    assert [link.url for link in links] == ["http://127.0.0.1/news/1234"]


def test_top_level_array_gzip_and_bom() -> None:
    body = "\ufeff" + json.dumps([{"id": 7}, {"id": 8}])
    spec = ApiListing(url_template="https://example.kr/a/{id}")
    links = parse_api_listing(gzip.compress(body.encode()), "https://example.kr/api", spec)
    assert [link.url for link in links] == ["https://example.kr/a/7", "https://example.kr/a/8"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>blocked</html>", "not JSON"),
        (b'{"data": {"oops": 1}}', "no list of items at data"),
        (b'{"success": false}', "no list of items at data"),
    ],
    ids=["html", "object", "missing"],
)
def test_bad_answers_are_discovery_errors(body: bytes, message: str) -> None:
    with pytest.raises(DiscoveryError, match=message):
        read_discovery("api", body, API_URL, None, ApiListing(items="data", url_field="url"))


def test_api_kind_needs_its_spec() -> None:
    with pytest.raises(DiscoveryError, match="item path"):
        read_discovery("api", KBS_ANSWER, API_URL, None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "exactly one of url_field and url_template"),
        ({"api_url_field": "u", "api_url_template": "https://x/{id}"}, "exactly one"),
        ({"api_url_template": "https://x/plain"}, "names no item field"),
    ],
    ids=["neither", "both", "no-field"],
)
def test_source_validates_its_api_listing(fields: dict[str, str], message: str) -> None:
    with pytest.raises(SourceError, match=message):
        Source(key="k", name="k", api_listings=("https://x/api",), **fields)  # type: ignore[arg-type]


def test_user_source_with_an_api_listing(tmp_path: Path) -> None:
    path = tmp_path / "newsmon.toml"
    path.write_text(
        '[[sources]]\nkey = "my-api"\napi_listings = ["https://example.kr/api/list"]\n'
        'api_items = "rows"\napi_url_template = "https://example.kr/view?id={id}"\n'
        'article_pattern = "/view\\\\?id=\\\\d+"\n',
        encoding="utf-8",
    )
    config = load_config(path, env={})
    source = config.source("my-api")
    assert source.discovery_urls == (("api", "https://example.kr/api/list"),)
    assert source.api_listing == ApiListing(
        items="rows", url_template="https://example.kr/view?id={id}"
    )
    path.write_text(
        '[[sources]]\nkey = "bad"\napi_listings = ["https://x/api"]\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="api_listings"):
        load_config(path, env={})


def test_sources_json_shows_the_api_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no newsmon.toml: the built-in registry
    config = load_config(None, env={})
    rows = {row["key"]: row for row in sources_rows(config)}
    kbs = rows["kbs-gwangju"]
    assert kbs["listings"] == [] and kbs["api_listings"][0].startswith(
        "https://news.kbs.co.kr/api/getNewsList?"
    )
    assert "localCode=40" in kbs["api_listings"][0]
    assert kbs["api_listing"]["url_template"].endswith("ncd={newsCode}")
    assert "GUESS" in kbs["provenance"] and "CONFIRMED" in kbs["provenance"]
