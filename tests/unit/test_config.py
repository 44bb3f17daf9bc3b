"""Configuration: defaults < TOML file < NEWSMON_* environment; errors name the key and file."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import ConfigError, load_config
from crawler.durations import DurationError, parse_duration
from crawler.sources import BUILTIN_SOURCES, Source, SourceError
from crawler.topic import DEFAULT_TOPIC

SOURCE = """
[[sources]]
key = "mine"
name = "내 신문"
feeds = ["https://example.kr/rss/allArticle.xml"]
article_pattern = "/news/articleView\\\\.html\\\\?idxno=\\\\d+"
every = "5s"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newsmon.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_builtin_sources_and_default_topic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(None, env={})
    assert config.path is None
    assert config.sources == BUILTIN_SOURCES
    assert config.topic == DEFAULT_TOPIC
    assert config.corpus.dir == Path("corpus")
    assert config.database.url == "sqlite:///newsmon.db"


def test_newsmon_toml_in_the_working_directory_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, '[corpus]\ndir = "elsewhere"\n')
    monkeypatch.chdir(tmp_path)
    assert load_config(None, env={}).corpus.dir == Path("elsewhere")


def test_env_names_the_config_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[database]\nurl = "sqlite:///x.db"\n')
    assert load_config(None, env={"NEWSMON_CONFIG": str(path)}).database.url == "sqlite:///x.db"


def test_file_sources_replace_the_builtin_list(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, SOURCE), env={})
    assert [s.key for s in config.sources] == ["mine"]
    assert config.sources[0].interval_seconds == 5.0
    assert config.sources[0].is_article_url("https://example.kr/news/articleView.html?idxno=7")
    assert not config.sources[0].is_article_url("https://example.kr/news/articleList.html")


def test_a_file_without_topic_keeps_every_article(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, SOURCE), env={}).topic is None


def test_a_file_with_a_topic_table_uses_it(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, SOURCE + '[topic]\nall = ["광주"]\n'), env={})
    assert config.topic is not None and config.topic.all == ("광주",)


def test_a_builtin_key_in_the_file_starts_from_the_builtin_entry(tmp_path: Path) -> None:
    key = BUILTIN_SOURCES[0].key
    config = load_config(write(tmp_path, f'[[sources]]\nkey = "{key}"\nevery = "1h"\n'), env={})
    (source,) = config.sources
    assert source.feeds == BUILTIN_SOURCES[0].feeds and source.every == "1h"


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[corpus]\ndir = "a"\n[crawl]\nretries = 1\n')
    env = {
        "NEWSMON_CORPUS_DIR": "b",
        "NEWSMON_DATABASE_URL": "postgresql+psycopg://u@h/db",
        "NEWSMON_CRAWL_RETRIES": "4",
        "NEWSMON_CRAWL_OBEY_ROBOTS": "false",
        "NEWSMON_DAEMON_CRAWL_TIMEOUT": "2m",
        "NEWSMON_ALERTS_WEBHOOK_URL": "https://hooks.example/x",
        "NEWSMON_TOPIC_ANY": "AI, 인공지능",
    }
    config = load_config(path, env=env)
    assert config.corpus.dir == Path("b")
    assert config.database.url == "postgresql+psycopg://u@h/db"
    assert config.crawl.retries == 4 and config.crawl.obey_robots is False
    assert config.daemon.crawl_timeout == 120.0
    assert config.alerts.webhook_url == "https://hooks.example/x"
    assert config.topic is not None and config.topic.any == ("AI", "인공지능")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[corpus]\ndirectory = 'x'\n", "corpus.directory"),
        ("[crawler]\nretries = 1\n", "'crawler'"),
        ("[crawl]\nretries = 'many'\n", "crawl.retries"),
        ("[daemon]\ncrawl_timeout = 'soon'\n", "daemon.crawl_timeout"),
        (SOURCE.replace('every = "5s"', 'every = "fortnightly"'), "every"),
        (SOURCE.replace("\\\\d+", "(\\\\d+"), "article_pattern"),
        (SOURCE + 'colour = "red"\n', "colour"),
        ('[[sources]]\nkey = "Bad Key"\nfeeds = ["https://x.kr/rss"]\n', "key"),
        ('[[sources]]\nkey = "nofeed"\n', "feeds, sitemaps, listings"),
        (SOURCE + SOURCE, "listed twice"),
        ("[topic]\nall = '광주'\n", "all"),
        ("[corpus\n", "not valid TOML"),
    ],
    ids=[
        "unknown-field",
        "unknown-section",
        "bad-int",
        "bad-duration",
        "bad-every",
        "bad-regex",
        "unknown-source-key",
        "bad-slug",
        "no-discovery",
        "duplicate-key",
        "topic-not-list",
        "bad-toml",
    ],
)
def test_errors_name_the_key_and_the_file(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_config(path, env={})
    assert needle in str(raised.value)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    "name", ["NEWSMON_CORPUS_DIRECTORY", "NEWSMON_CRAWLL_RETRIES", "NEWSMON_TIMEOUT"]
)
def test_an_unknown_environment_variable_is_an_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_config(write(tmp_path, ""), env={name: "1"})


def test_a_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", env={})


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("15m", 900.0),
        ("5s", 5.0),
        ("1h30m", 5400.0),
        ("2d", 172800.0),
        ("250ms", 0.25),
        ("90", 90.0),
        (30, 30.0),
    ],
    ids=str,
)
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5x", "-5s", "0s", "m15", "5s5"], ids=repr)
def test_bad_durations(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)


def test_a_source_needs_a_pattern_for_listings() -> None:
    with pytest.raises(SourceError, match="article_pattern"):
        Source(key="x", name="x", listings=("https://x.kr/list",))


@pytest.mark.parametrize("zero", [0, "0", "0s", "0ms", "0m"], ids=repr)
def test_zero_durations_are_accepted_where_zero_means_none(tmp_path: Path, zero: object) -> None:
    value = f'"{zero}"' if isinstance(zero, str) else str(zero)
    text = f"[crawl]\ndownload_delay = {value}\nretry_backoff = {value}\n"
    crawl = load_config(write(tmp_path, text), env={}).crawl
    assert (crawl.download_delay, crawl.retry_backoff) == (0.0, 0.0)


@pytest.mark.parametrize("zero", [0, "0s"], ids=repr)
def test_zero_is_still_refused_where_a_duration_must_be_positive(
    tmp_path: Path, zero: object
) -> None:
    value = f'"{zero}"' if isinstance(zero, str) else str(zero)
    with pytest.raises(ConfigError, match=r"crawl\.timeout"):
        load_config(write(tmp_path, f"[crawl]\ntimeout = {value}\n"), env={})


def test_parse_duration_allows_zero_only_when_asked() -> None:
    assert parse_duration("0s", allow_zero=True) == 0.0
    assert parse_duration("1m0s", allow_zero=True) == 60.0
    with pytest.raises(DurationError):
        parse_duration("-1s", allow_zero=True)
