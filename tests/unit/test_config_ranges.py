"""Configuration ranges and types: every bad value is refused with its key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import ConfigError, load_config

FEED = 'feeds = ["https://example.kr/rss/allArticle.xml"]\n'
SOURCE = f'[[sources]]\nkey = "mine"\n{FEED}'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newsmon.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("crawl.concurrent_per_domain", "0", "must be at least 1, got 0"),
        ("crawl.concurrent_requests", "-2", "must be at least 1, got -2"),
        ("crawl.retries", "-3", "must be at least 0, got -3"),
        ("crawl.min_body_chars", "-1", "must be at least 0, got -1"),
        ("crawl.max_page_bytes", "0", "must be at least 1, got 0"),
        ("crawl.extract_workers", "-1", "must be at least 0, got -1"),
        ("crawl.timeout", "0", "must be positive"),
        ("crawl.timeout", '"-5s"', "is not a duration"),
        ("daemon.crawl_timeout", "-1", "must be positive"),
        ("alerts.failures_before_alert", "0", "must be at least 1, got 0"),
        ("dedup.near_threshold", "1.5", "must be more than 0 and at most 1, got 1.5"),
        ("dedup.near_threshold", "nan", "must be more than 0 and at most 1, got nan"),
        ("search.max_pages", "0", "must be at least 1, got 0"),
        ("crawl.retries", "2.5", "2.5 is not an integer"),
    ],
    ids=lambda v: str(v),
)
def test_out_of_range_setting_is_refused_naming_it(
    tmp_path: Path, setting: str, value: str, message: str
) -> None:
    section, key = setting.split(".")
    path = write(tmp_path, f"[{section}]\n{key} = {value}\n{SOURCE}")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert f"'{setting}'" in str(caught.value)
    assert message in str(caught.value)


def test_environment_values_get_the_same_ranges(tmp_path: Path) -> None:
    path = write(tmp_path, SOURCE)
    with pytest.raises(
        ConfigError, match="NEWSMON_CRAWL_CONCURRENT_PER_DOMAIN: must be at least 1"
    ):
        load_config(path, env={"NEWSMON_CRAWL_CONCURRENT_PER_DOMAIN": "0"})


def test_edges_of_the_ranges_are_accepted(tmp_path: Path) -> None:
    text = "[crawl]\nretries = 0\nmin_body_chars = 0\nconcurrent_per_domain = 1\n"
    text += "download_delay = 0\nextract_workers = 0\n[dedup]\nnear_threshold = 1.0\n"
    config = load_config(write(tmp_path, text + SOURCE), env={})
    assert (config.crawl.retries, config.crawl.min_body_chars) == (0, 0)
    assert config.crawl.concurrent_per_domain == 1
    assert config.dedup.near_threshold == 1.0


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('feeds = "https://example.kr/rss"', "'feeds': expected an array of strings, got a string"),
        (
            FEED + 'homepage = ["https://example.kr/"]',
            "'homepage': expected a string, got an array",
        ),
        (FEED + 'search_url = ["https://x.kr/"]', "'search_url': expected a string, got an array"),
        (FEED + "feeds_extra = 1", "unknown key 'feeds_extra'"),
        (FEED + "max_listing_pages = 0", "'max_listing_pages': must be at least 1, got 0"),
        (FEED + "concurrency = 0", "'concurrency': must be at least 1, got 0"),
        (FEED + "download_delay = -1", "'download_delay': must be at least 0, got -1"),
        (FEED + 'enabled = "yes"', "'enabled': expected a boolean, got a string"),
        ("feeds = [1]", "'feeds': expected an array of strings, got an array"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_source_values_of_the_wrong_type_name_the_key(
    tmp_path: Path, entry: str, message: str
) -> None:
    path = write(tmp_path, f'[[sources]]\nkey = "mine"\n{entry}\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert "source 'mine'" in str(caught.value)
    assert message in str(caught.value)


def test_section_string_given_a_list_says_a_string_was_expected(tmp_path: Path) -> None:
    path = write(tmp_path, f'[crawl]\nuser_agent = ["a", "b"]\n{SOURCE}')
    with pytest.raises(ConfigError, match=r"'crawl\.user_agent': expected a string, got an array"):
        load_config(path, env={})


def test_source_delay_accepts_a_duration(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, SOURCE + 'download_delay = "250ms"\n'), env={})
    assert config.sources[0].download_delay == 0.25


@pytest.mark.parametrize(
    "text",
    ["sources = []\n", SOURCE + "enabled = false\n"],
    ids=["empty", "all-disabled"],
)
def test_no_enabled_source_is_an_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError, match="no enabled source"):
        load_config(write(tmp_path, text), env={})


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "newsmon.toml"
    path.write_bytes(b"\xef\xbb\xbf" + f"[crawl]\nretries = 1\n{SOURCE}".encode())
    assert load_config(path, env={}).crawl.retries == 1


def test_a_config_that_is_not_utf8_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "newsmon.toml"
    path.write_bytes("# 설정\n".encode("euc-kr") + SOURCE.encode())
    with pytest.raises(ConfigError, match=r"newsmon\.toml: not UTF-8 text"):
        load_config(path, env={})
