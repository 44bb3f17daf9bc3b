"""AppConfig: built-in defaults < TOML file < NEWSMON_* environment, validated before any fetch."""

from __future__ import annotations

import codecs
import dataclasses
import os
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from crawler.config_values import KIND_NAMES, check_range, source_value, toml_type
from crawler.durations import DurationError, parse_duration
from crawler.neardup.threshold import DEFAULT_THRESHOLD
from crawler.parsers.base import MIN_BODY_CHARS
from crawler.sources import (
    BUILTIN_SOURCES,
    SEARCH_SOURCES,
    Source,
    SourceError,
    check_registry,
)
from crawler.sources.engines import with_search_sources
from crawler.topic import DEFAULT_TOPIC, Topic, TopicConfigError

DEFAULT_CONFIG_NAME = "newsmon.toml"
# Environment variables that are not NEWSMON_<SECTION>_<FIELD> overrides but are still ours.
_OTHER_ENV = ("NEWSMON_CONFIG", "NEWSMON_NAVER_CLIENT_ID", "NEWSMON_NAVER_CLIENT_SECRET")
_OTHER_ENV_PREFIXES = ("NEWSMON_TEST_",)


class ConfigError(ValueError):
    """The configuration is invalid; the message names the key and where it came from."""


@dataclass(frozen=True)
class CorpusConfig:
    dir: Path = Path("corpus")


@dataclass(frozen=True)
class DatabaseConfig:
    url: str = "sqlite:///newsmon.db"


@dataclass(frozen=True)
class CrawlConfig:
    user_agent: str = "newsmon/0.1 (regional news monitor)"
    contact_url: str = ""
    concurrent_requests: int = 16
    concurrent_per_domain: int = 4
    download_delay: float = 0.25
    timeout: float = 20.0
    retries: int = 2
    retry_backoff: float = 1.0
    max_page_bytes: int = 8 * 1024 * 1024
    obey_robots: bool = True
    autothrottle: bool = True
    min_body_chars: int = MIN_BODY_CHARS
    extract_workers: int = 1  # processes parsing pages beside the crawler; 0 = in-process

    @property
    def agent(self) -> str:
        """The User-Agent every request sends: the name, then the contact URL if there is one."""
        return self.user_agent + (f" (+{self.contact_url})" if self.contact_url else "")


@dataclass(frozen=True)
class DedupConfig:
    near: bool = True
    near_threshold: float = DEFAULT_THRESHOLD  # chosen from measurements: crawler/neardup


@dataclass(frozen=True)
class ArchiveConfig:
    """WARC captures of fetched pages (crawler/capture): on by default, bounded per file."""

    warc: bool = True  # every article response kept as a WARC record
    warc_discovery: bool = False  # feeds, listings and sitemaps too
    dir: str = ""  # "" = `archive/` in the state folder beside the corpus (`<corpus>.newsmon/`)
    max_file_bytes: int = 1024**3  # a WARC file is closed and the next begun past this size

    def directory(self, corpus_dir: Path) -> Path:
        """Where the WARC files go for this corpus folder."""
        if self.dir:
            return Path(self.dir)
        resolved = corpus_dir.resolve()
        # the state folder of corpus_folder.store.CorpusStore.state_dir (imported here it would load
        # SQLAlchemy into every command that only reads its configuration)
        return resolved.with_name(resolved.name + ".newsmon") / "archive"  # capture.log.ARCHIVE_DIR


@dataclass(frozen=True)
class DaemonConfig:
    crawl_timeout: float = 900.0
    stop_grace: float = 30.0
    misfire_grace: float = 300.0
    listen: str = "127.0.0.1:8750"  # status page, /metrics, /healthz; "" switches it off
    listen_token: str = ""  # required to listen beyond loopback; never logged
    poll: bool = True  # discovery in the daemon, a crawl process only for news (False: always)
    failover: float = 30.0  # PostgreSQL: a standby takes over within this after a leader fails


@dataclass(frozen=True)
class AlertsConfig:
    webhook_url: str = ""
    failures_before_alert: int = 3
    silent_factor: float = 4.0
    timeout: float = 10.0
    retractions: bool = True  # an alert when a stored article is found taken down


@dataclass(frozen=True)
class SearchConfig:
    naver: bool = True  # used only when NEWSMON_NAVER_CLIENT_ID/_SECRET are set
    google_news: bool = False
    max_pages: int = 5  # result pages per query, each up to 100 results


CORPUS_MODES = ("first", "latest")


@dataclass(frozen=True)
class RevisionsConfig:
    # Seconds after an article's first fetch at which it is fetched again; () switches it off.
    recheck: tuple[float, ...] = (3600.0, 21600.0, 86400.0, 259200.0)
    corpus: str = "first"  # "latest": the corpus file follows the outlet's latest version


@dataclass(frozen=True)
class BackfillConfig:
    # Politeness of a backfill, apart from the crawl's: a slower share of each host
    download_delay: float = 1.0
    concurrent_per_domain: int = 1
    max_pages: int = 2000  # pages walked per listing or search chain (a bound, not a target)
    wayback_cdx: str = "https://web.archive.org/cdx/search/cdx"
    wayback_replay: str = "https://web.archive.org/web/"
    commoncrawl_index: str = ""  # a CC index's CDX endpoint; "" leaves Common Crawl out
    commoncrawl_data: str = "https://data.commoncrawl.org/"  # where its WARC files are
    archive_lag: int = 365  # days after the window's end an article's capture is looked for
    archive_limit: int = 10000  # captures asked per host and month


_SECTIONS: dict[str, type[Any]] = {
    "corpus": CorpusConfig,
    "database": DatabaseConfig,
    "crawl": CrawlConfig,
    "dedup": DedupConfig,
    "archive": ArchiveConfig,
    "daemon": DaemonConfig,
    "alerts": AlertsConfig,
    "search": SearchConfig,
    "revisions": RevisionsConfig,
    "backfill": BackfillConfig,
}
# Durations where zero means "none" (no delay, no backoff); the others must be positive.
_ZERO_DURATIONS = frozenset({"download_delay", "retry_backoff"})
_DURATION_FIELDS = {
    ("daemon", "crawl_timeout"),
    ("daemon", "stop_grace"),
    ("daemon", "misfire_grace"),
    ("daemon", "failover"),
    ("crawl", "timeout"),
    ("crawl", "download_delay"),
    ("backfill", "download_delay"),
    ("crawl", "retry_backoff"),
    ("alerts", "timeout"),
}


@dataclass(frozen=True)
class AppConfig:
    """Everything newsmon needs to run, frozen."""

    path: Path | None = None
    corpus: CorpusConfig = field(default_factory=CorpusConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    archive: ArchiveConfig = field(default_factory=ArchiveConfig)
    daemon: DaemonConfig = field(default_factory=DaemonConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    revisions: RevisionsConfig = field(default_factory=RevisionsConfig)
    backfill: BackfillConfig = field(default_factory=BackfillConfig)
    topic: Topic | None = DEFAULT_TOPIC
    sources: tuple[Source, ...] = BUILTIN_SOURCES

    def source(self, key: str) -> Source:
        for source in self.sources:
            if source.key == key:
                return source
        known = ", ".join(s.key for s in self.sources)
        raise ConfigError(f"unknown source {key!r} (configured: {known})")


def load_config(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> AppConfig:
    """Read the TOML file (argument, NEWSMON_CONFIG, ./newsmon.toml or none) and apply the env."""
    env = os.environ if env is None else env
    chosen = path or env.get("NEWSMON_CONFIG") or None
    if chosen is None and Path(DEFAULT_CONFIG_NAME).is_file():
        chosen = DEFAULT_CONFIG_NAME
    data: dict[str, Any] = {}
    where = "built-in defaults"
    if chosen is not None:
        where = str(chosen)
        data = _read_toml(Path(chosen), where)
    return build_config(data, where=where, env=env, path=Path(chosen) if chosen else None)


def _waits_for_keys(listed: tuple[Source, ...], search: SearchConfig) -> bool:
    """A listed Naver source is wanted even while its keys are missing (then it is skipped)."""
    return search.naver and any(s.search == "naver" and s.enabled for s in listed)


def _read_toml(path: Path, where: str) -> dict[str, Any]:
    if path.is_dir():
        raise ConfigError(f"{where}: is a folder, not a config file")
    try:
        # A UTF-8 byte-order mark (Windows editors write one) is not an error.
        return tomllib.loads(path.read_bytes().removeprefix(codecs.BOM_UTF8).decode("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{where}: config file not found") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{where}: not UTF-8 text (byte {exc.start}): save it as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read the config file: {exc.strerror}") from exc


def build_config(
    data: Mapping[str, Any], *, where: str, env: Mapping[str, str], path: Path | None = None
) -> AppConfig:
    """AppConfig from a parsed TOML mapping plus environment overrides."""
    unknown = set(data) - {*_SECTIONS, "topic", "sources"}
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    sections = {name: _section(name, data.get(name, {}), where) for name in _SECTIONS}
    sections = _apply_env(sections, env)
    topic = DEFAULT_TOPIC if path is None else None
    if "topic" in data:
        topic = _topic(data["topic"], where)
    topic = _topic_env(topic, env)
    sources = BUILTIN_SOURCES
    if "sources" in data:
        sources = _sources(data["sources"], where)
    search: SearchConfig = sections["search"]
    listed = sources
    sources = with_search_sources(
        sources,
        naver=search.naver,
        google_news=search.google_news,
        max_pages=search.max_pages,
        env=env,
    )
    if not any(source.enabled for source in sources) and not _waits_for_keys(listed, search):
        # Otherwise a crawl "succeeds" having created an empty corpus and database.
        raise ConfigError(f"{where}: no enabled source (sources is empty or all are disabled)")
    return AppConfig(path=path, topic=topic, sources=sources, **sections)


def _section(name: str, raw: Any, where: str) -> Any:
    cls = _SECTIONS[name]
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: [{name}] must be a table")
    known = _field_types(cls)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown key '{name}.{key}'")
        label = f"{where}: '{name}.{key}'"
        values[key] = _in_range(name, key, _coerce(name, key, value, known[key], label), label)
    return cls(**values)


def _in_range(section: str, key: str, value: Any, label: str) -> Any:
    try:
        return check_range(section, key, value)
    except ValueError as exc:
        raise ConfigError(f"{label}: {exc}") from exc


def _field_types(cls: type) -> dict[str, type]:
    """The section's fields and their real types (annotations are strings under
    `from __future__ import annotations`; the hints resolve them)."""
    return typing.get_type_hints(cls)


def _coerce(section: str, key: str, value: Any, type_: type, label: str) -> Any:
    kind = getattr(type_, "__name__", "")  # bool, int, float, str, Path and one tuple field
    try:
        if (section, key) == ("revisions", "recheck"):
            return _schedule(value)
        if (section, key) == ("revisions", "corpus") and value not in CORPUS_MODES:
            raise ValueError(f"expected one of {', '.join(CORPUS_MODES)}, got {value!r}")
        if (section, key) in _DURATION_FIELDS:
            return parse_duration(value, allow_zero=key in _ZERO_DURATIONS)
        if kind == "bool":
            if isinstance(value, str):
                if value.lower() not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                    raise ValueError(f"{value!r} is not a boolean")
                return value.lower() in {"1", "true", "yes", "on"}
            if not isinstance(value, bool):
                raise ValueError(f"{value!r} is not a boolean")
            return value
        if kind in ("int", "float", "Path", "str") and isinstance(value, list | dict):
            raise ValueError(f"expected {KIND_NAMES[kind]}, got {toml_type(value)}")
        if kind == "int":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(f"{value!r} is not an integer")
            return int(value)
        if kind == "float":
            if isinstance(value, bool):
                raise ValueError(f"{value!r} is not a number")
            return float(value)
        if kind == "Path":
            return Path(str(value))
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {toml_type(value)} {value!r}")
        return value
    except (ValueError, TypeError, DurationError) as exc:
        raise ConfigError(f"{label}: {exc}") from exc


def _schedule(value: Any) -> tuple[float, ...]:
    """Durations after the first fetch, from a TOML array or a comma-separated env value."""
    if isinstance(value, str):
        value = [part for part in value.strip().strip("[]").split(",") if part.strip()]
        value = [part.strip().strip("'\"") for part in value]
    if not isinstance(value, list):
        raise ValueError(f"expected an array of durations, got {toml_type(value)}")
    slots = tuple(parse_duration(part) for part in value)
    if list(slots) != sorted(set(slots)):
        raise ValueError("durations must be given in increasing order, each once")
    return slots


def _apply_env(sections: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    result = dict(sections)
    for name, value in env.items():
        if (
            not name.startswith("NEWSMON_")
            or name in _OTHER_ENV
            or name.startswith(_OTHER_ENV_PREFIXES)
        ):
            continue
        if name.startswith("NEWSMON_TOPIC_"):
            continue
        section, key = _split_env(name)
        cls = _SECTIONS[section]
        kind = _field_types(cls)[key]
        label = f"environment {name}"
        coerced = _in_range(section, key, _coerce(section, key, value, kind, label), label)
        result[section] = dataclasses.replace(result[section], **{key: coerced})
    return result


def _split_env(name: str) -> tuple[str, str]:
    rest = name[len("NEWSMON_") :].lower()
    for section, cls in _SECTIONS.items():
        if rest.startswith(section + "_"):
            key = rest[len(section) + 1 :]
            if key in {f.name for f in fields(cls)}:
                return section, key
    raise ConfigError(f"environment {name}: unknown setting (expected NEWSMON_<SECTION>_<FIELD>)")


def _topic(raw: Any, where: str) -> Topic | None:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: [topic] must be a table")
    try:
        return Topic.from_mapping(raw, where=where)
    except TopicConfigError as exc:
        raise ConfigError(str(exc)) from exc


_TOPIC_FLAGS = frozenset(f.name for f in fields(Topic) if f.type in ("bool", bool))


def _topic_env(topic: Topic | None, env: Mapping[str, str]) -> Topic | None:
    raw = {
        k[len("NEWSMON_TOPIC_") :].lower(): v
        for k, v in env.items()
        if k.startswith("NEWSMON_TOPIC_")
    }
    if not raw:
        return topic
    base = dataclasses.asdict(topic) if topic is not None else {}
    for key, value in raw.items():
        if key in _TOPIC_FLAGS:  # merged_region, evidence, same_sentence: true or false
            base[key] = {"true": True, "false": False}.get(value.strip().lower(), value)
        else:
            base[key] = [term.strip() for term in value.split(",") if term.strip()]
    try:
        return Topic.from_mapping(base, where="environment NEWSMON_TOPIC_*")
    except TopicConfigError as exc:
        raise ConfigError(str(exc)) from exc


def _sources(raw: Any, where: str) -> tuple[Source, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: 'sources' must be an array of tables ([[sources]])")
    builtin = {s.key: s for s in (*BUILTIN_SOURCES, *SEARCH_SOURCES)}
    known = {f.name for f in fields(Source) if not f.name.startswith("_")}
    result = []
    for index, entry in enumerate(raw):
        label = f"{where}: sources[{index}]"
        if not isinstance(entry, dict) or "key" not in entry:
            raise ConfigError(f"{label}: each [[sources]] entry needs a 'key'")
        label = f"{where}: source {entry['key']!r}"
        extra = set(entry) - known
        if extra:
            raise ConfigError(f"{label}: unknown key {sorted(extra)[0]!r}")
        values: dict[str, Any] = {
            k: _source_value(k, v, f"{label}: {k!r}") for k, v in entry.items()
        }
        base = builtin.get(str(entry["key"]))
        try:
            if base is not None:
                result.append(dataclasses.replace(base, **values))
            else:
                values.setdefault("name", values["key"])
                result.append(Source(**values))
        except (SourceError, TypeError) as exc:
            raise ConfigError(f"{where}: {exc}") from exc
    try:
        return check_registry(result)
    except SourceError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def _source_value(key: str, value: Any, label: str) -> Any:
    try:
        return source_value(key, value)
    except (ValueError, DurationError) as exc:
        raise ConfigError(f"{label}: {exc}") from exc
