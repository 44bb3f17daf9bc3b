"""The `newsmon` command: argument parsing and exit codes; the work happens in the packages."""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from newsmon.backfill_args import add_parsers as add_backfill_parsers
from newsmon.logs import setup_logging
from newsmon.revision_args import add_parser as add_revisions_parser
from newsmon.topic_args import add_parser as add_topic_parser

# Each command imports what it uses when it runs: `--help`, `status` and `export` start fast
# and never load Scrapy or numpy (tests/integration/test_startup_commands.py
# holds them to it: test_light_commands_load_neither_scrapy_nor_numpy).
if TYPE_CHECKING:
    from crawler.config import AppConfig
    from crawler.sources import Source

logger = logging.getLogger("newsmon")

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", metavar="PATH", help="TOML file (default: $NEWSMON_CONFIG, ./newsmon.toml)"
    )
    common.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    common.add_argument("--log-format", default="text", choices=["text", "json"])
    parser = argparse.ArgumentParser(
        prog="newsmon", parents=[common], description="Monitoring crawler for Korean regional news."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    crawl = sub.add_parser("crawl", parents=[common], help="crawl now, once")
    crawl.add_argument(
        "--source", action="append", metavar="KEY", help="only this source (repeatable)"
    )
    crawl.add_argument("--json", action="store_true", help="print the summary as JSON")
    # The daemon's hand-off: fetch exactly these article URLs (one a line) of the one source.
    crawl.add_argument("--urls-from", metavar="FILE", help=argparse.SUPPRESS)

    sources = sub.add_parser("sources", parents=[common], help="what would be crawled, from where")
    sources.add_argument(
        "action",
        nargs="?",
        choices=["list", "check", "discover"],
        default="list",
        help="check: probe every discovery URL live; discover URL: find a site's entry points",
    )
    sources.add_argument("url", nargs="?", help="discover: the outlet's homepage")
    sources.add_argument("--source", action="append", metavar="KEY", help="only this source")
    sources.add_argument("--json", action="store_true")

    corpus = sub.add_parser("corpus", parents=[common], help="corpus maintenance")
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True)
    verify = corpus_sub.add_parser("verify", parents=[common], help="folder and database agree")
    verify.add_argument(
        "--repair", action="store_true", help="index unknown files, mark missing ones"
    )
    verify.add_argument("--json", action="store_true")
    stats = corpus_sub.add_parser("stats", parents=[common], help="files by source and month")
    stats.add_argument("--json", action="store_true")
    _corpus_capture_parsers(corpus_sub, common)
    corpus_sub.add_parser(
        "index", parents=[common], help="build the near-duplicate index now (first use)"
    )

    export = sub.add_parser("export", parents=[common], help="one row per corpus file")
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export.add_argument(
        "--since",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="only files fetched on or after this day (KST)",
    )
    export.add_argument("--output", metavar="FILE", help="write here instead of stdout")

    sub.add_parser("daemon", parents=[common], help="run scheduled crawls until stopped")
    status = sub.add_parser(
        "status", parents=[common], help="per source: last runs, failures, next run"
    )
    status.add_argument("--json", action="store_true")

    database = sub.add_parser("db", parents=[common], help="database maintenance")
    db_sub = database.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", parents=[common], help="apply migrations")
    add_topic_parser(sub, common)
    add_revisions_parser(sub, common)
    add_backfill_parsers(sub, common)
    ingest = sub.add_parser(
        "ingest", parents=[common], help="run the HTML pages of WARC files through the pipeline"
    )
    ingest.add_argument("files", nargs="+", metavar="FILE.warc.gz")
    ingest.add_argument(
        "--any-host", action="store_true", help="every host, not only configured sources'"
    )
    ingest.add_argument("--json", action="store_true")
    return parser


def _corpus_capture_parsers(corpus_sub: Any, common: argparse.ArgumentParser) -> None:
    show = corpus_sub.add_parser(
        "show", parents=[common], help="a file's URL, source, fetch time, captures, decisions"
    )
    show.add_argument("file", metavar="NNN|FILE")
    show.add_argument("--json", action="store_true")
    show.add_argument(
        "--html", nargs="?", const="-", metavar="OUT",
        help="write the captured page bytes (to OUT, or stdout)",
    )  # fmt: skip
    show.add_argument("--diff", action="store_true", help="show each revision's changed lines")
    history = corpus_sub.add_parser("history", parents=[common], help="the names a number had")
    history.add_argument("file", metavar="NNN|FILE")
    history.add_argument("--json", action="store_true")
    reextract = corpus_sub.add_parser(
        "reextract", parents=[common], help="today's extractor over the captured pages"
    )
    reextract.add_argument(
        "--since", type=date.fromisoformat, metavar="YYYY-MM-DD",
        help="only files fetched on or after this day (KST)",
    )  # fmt: skip
    reextract.add_argument("--source", metavar="KEY", help="only this source's files")
    reextract.add_argument("--json", action="store_true")
    reextract.add_argument("--apply", action="store_true", help="write the changed texts")
    reextract.add_argument("--undo", metavar="RUN", help="put back what run RUN applied")


def run() -> None:
    """Entry point of the console script and `python -m newsmon`: main(), then the exit."""
    code = main()
    # The process ends here. Freezing what is left keeps the interpreter's exit-time garbage
    # collection from walking a crawl's ~200k objects (0.3-0.5 s); atexit handlers, flushes
    # and module teardown run as before, and everything that holds a resource (database,
    # corpus, pools) was closed by the command itself.
    gc.freeze()
    raise SystemExit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code (run() is the process's entry point)."""
    args = _parser().parse_args(argv)
    setup_logging(args.log_level, args.log_format)
    from corpus_folder.staging import CorpusFolderError
    from crawler.config import ConfigError, load_config
    from db.preflight import EnvironmentProblem

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"newsmon: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    name = _command_name(args)
    handler = _HANDLERS[name]
    try:
        _preflight(config, name)
        return handler(config, args)
    except (EnvironmentProblem, ConfigError, CorpusFolderError) as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Whoever read our output is gone (a killed daemon, `| head`): the work is done and
        # recorded; say nothing more, and keep Python's exit-time flush from a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


# Commands that open the database (all but `db upgrade` also the corpus folder); checked before
# anything is created, so a bad path or URL is one line instead of a traceback or a half-made
# folder.
_USES_DATABASE = {"crawl", "corpus verify", "corpus stats", "corpus index", "export", "daemon",
                  "status", "db upgrade", "corpus show", "corpus history", "corpus reextract",
                  "ingest", "revisions", "backfill", "coverage"}  # fmt: skip


def _preflight(config: AppConfig, command: str) -> None:
    from db.preflight import check_corpus_folder, check_database

    if command not in _USES_DATABASE:
        return
    if command != "db upgrade":
        check_corpus_folder(config.corpus.dir)
    check_database(config.database.url)


def _command_name(args: argparse.Namespace) -> str:
    if args.command == "corpus":
        return f"corpus {args.corpus_command}"
    if args.command == "db":
        return f"db {args.db_command}"
    if args.command == "topic":
        return f"topic {args.topic_command}"
    return str(args.command)


def _crawl(config: AppConfig, args: argparse.Namespace) -> int:
    from newsmon import commands

    sources = [config.source(key) for key in args.source] if args.source else None
    urls = _urls_from(args.urls_from, sources) if args.urls_from else None
    reports = commands.crawl(config, sources, urls)
    if args.json:
        print(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        print(commands.crawl_table(reports))
    failed = [r for r in reports if r.failed]
    for report in failed:
        print(f"newsmon: source {report.key} failed: {report.reason}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def _urls_from(path: str, sources: list[Source] | None) -> dict[str, list[str]]:
    from crawler.config import ConfigError

    if sources is None or len(sources) != 1:
        raise ConfigError("--urls-from needs exactly one --source")
    try:
        with open(path, encoding="utf-8") as lines:
            return {sources[0].key: [line.strip() for line in lines if line.strip()]}
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc


def _sources(config: AppConfig, args: argparse.Namespace) -> int:
    if args.action == "check":
        return _sources_check(config, args)
    if args.action == "discover":
        return _sources_discover(config, args)
    from newsmon import commands

    rows = commands.sources_rows(config)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print(commands.sources_table(rows, config))
    return EXIT_OK


def _sources_check(config: AppConfig, args: argparse.Namespace) -> int:
    from crawler.probes.check import check_sources, format_health

    keys = [config.source(key).key for key in args.source] if args.source else None
    results = check_sources(config, keys)
    if args.json:
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        print(format_health(results))
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


def _sources_discover(config: AppConfig, args: argparse.Namespace) -> int:
    from crawler.probes.discover import discover_site
    from crawler.probes.fetch import HttpFetcher
    from crawler.probes.suggest import format_discovery

    if not args.url:
        print("newsmon: sources discover needs a homepage URL", file=sys.stderr)
        return EXIT_CONFIG
    url = args.url if "://" in args.url else f"https://{args.url}"
    crawl = config.crawl
    with HttpFetcher(crawl.agent, timeout=crawl.timeout, obey_robots=crawl.obey_robots) as fetcher:
        result = discover_site(url, fetcher)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_discovery(result))
    return EXIT_OK if result.found else EXIT_FAILED


def _verify(config: AppConfig, args: argparse.Namespace) -> int:
    from newsmon import commands

    report = commands.verify(config, repair=args.repair)
    if args.json:
        print(json.dumps(commands.verify_dict(report), ensure_ascii=False, indent=2))
    else:
        print(commands.verify_text(report, repaired=args.repair))
    return EXIT_OK if report.ok or args.repair else EXIT_FAILED


def _stats(config: AppConfig, args: argparse.Namespace) -> int:
    from newsmon.export import corpus_stats, format_stats

    stats = corpus_stats(config)
    print(
        json.dumps(stats.as_dict(), ensure_ascii=False, indent=2)
        if args.json
        else format_stats(stats)
    )
    return EXIT_OK


def _index(config: AppConfig, args: argparse.Namespace) -> int:
    from newsmon import commands

    held, complete = commands.build_near_index(config)
    print(f"near-duplicate index: {held} documents" + ("" if complete else " (stopped)"))
    return EXIT_OK if complete else EXIT_FAILED


def _export(config: AppConfig, args: argparse.Namespace) -> int:
    from newsmon.export import export_rows, write_export

    rows = export_rows(config, args.since)
    if args.output is None:
        count = write_export(rows, args.format, sys.stdout)
    else:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            count = write_export(rows, args.format, out)
    logger.info("Exported %d corpus files", count)
    return EXIT_OK


def _db_upgrade(config: AppConfig, args: argparse.Namespace) -> int:
    from newsmon import commands

    revision = commands.db_upgrade(config)
    print(f"database at revision {revision}")
    return EXIT_OK


def _daemon(config: AppConfig, args: argparse.Namespace) -> int:
    from scheduler.daemon import run_daemon

    return run_daemon(config, log_format=args.log_format)


def _status(config: AppConfig, args: argparse.Namespace) -> int:
    from newsmon.tables import format_status
    from scheduler.status import collect_report

    # One report for this command, the daemon's /api/status and its status page.
    report = collect_report(config)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        archive = report.archive.text() if report.archive is not None else None
        print(format_status(report.sources, report.corpus_files, archive))
        if report.leader is not None:
            print(report.leader.describe())
    return EXIT_OK


def _revisions(config: AppConfig, args: argparse.Namespace) -> int:
    from newsmon import revisions

    return revisions.run(config, args)


def _backfill(config: AppConfig, args: argparse.Namespace) -> int:
    from newsmon.backfill import run_backfill

    return run_backfill(config, args)


def _coverage(config: AppConfig, args: argparse.Namespace) -> int:
    from newsmon.backfill import show_coverage

    return show_coverage(config, args)


def _topic(config: AppConfig, args: argparse.Namespace) -> int:
    from newsmon import topics

    return topics.HANDLERS[_command_name(args)](config, args)


def _corpus_capture(config: AppConfig, args: argparse.Namespace) -> int:
    from newsmon import capture_commands

    return capture_commands.HANDLERS[_command_name(args)](config, args)


_HANDLERS: dict[str, Callable[[AppConfig, argparse.Namespace], int]] = {
    "crawl": _crawl,
    "sources": _sources,
    "corpus verify": _verify,
    "corpus stats": _stats,
    "corpus index": _index,
    "export": _export,
    "db upgrade": _db_upgrade,
    "daemon": _daemon,
    "status": _status,
    "revisions": _revisions,
    "backfill": _backfill,
    "coverage": _coverage,
    "corpus show": _corpus_capture,
    "corpus history": _corpus_capture,
    "corpus reextract": _corpus_capture,
    "ingest": _corpus_capture,
    "topic explain": _topic,
    "topic review": _topic,
    "topic recheck": _topic,
}
