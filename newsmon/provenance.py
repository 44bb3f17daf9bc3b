"""`newsmon corpus show` and `corpus history`: where a corpus file came from, and its names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.capture.read import Page, read_page
from crawler.config import AppConfig
from db import captures, repository
from db.models import Article, CaptureRow, CorpusRename, SeenUrl
from db.session import Database
from newsmon.export import iso_utc, opened_database

_NUMBER = re.compile(r"^\d+$")


class NotInCorpus(LookupError):
    """The number or file name names no corpus file."""


@dataclass(frozen=True)
class Provenance:
    """A corpus file's row, its captures (newest last), its earlier names, the URL's fate."""

    article: Article
    captures: list[CaptureRow]
    renames: list[dict[str, Any]]
    seen: list[SeenUrl]


def find_article(session: Session, ref: str) -> Article:
    """The article named by its number (`12`, `012`) or its file name (`012_ab….txt`)."""
    ref = Path(ref).name
    article = (
        repository.article_by_seq(session, int(ref))
        if _NUMBER.match(ref)
        else session.scalar(select(Article).where(Article.file_name == ref))
    )
    if article is None and not _NUMBER.match(ref):
        renamed = session.scalar(
            select(Article)
            .join(CorpusRename, CorpusRename.seq == Article.seq)
            .where(CorpusRename.old_file_name == ref)
        )
        article = renamed
    if article is None:
        raise NotInCorpus(f"no corpus file {ref!r} (give its number or file name)")
    return article


def provenance(session: Session, ref: str) -> Provenance:
    """Everything newsmon knows about where corpus file `ref` came from."""
    article = find_article(session, ref)
    rows = list(captures.captures_of_seq(session, article.seq))
    known = {row.id for row in rows}
    if article.canonical_url:  # duplicates and refetches of the same URL tell its story too
        rows += [
            r for r in captures.captures_of_url(session, article.canonical_url) if r.id not in known
        ]
    rows.sort(key=lambda row: row.id)
    seen = []
    if article.canonical_url:
        seen = list(session.scalars(select(SeenUrl).where(SeenUrl.article_id == article.id)))
    renames = [
        {
            "old": r.old_file_name,
            "new": r.new_file_name,
            "reason": r.reason,
            "run": r.run,
            "at": iso_utc(r.renamed_at),
        }
        for r in captures.renames_of_seq(session, article.seq)
    ]
    return Provenance(article, rows, renames, seen)


def as_dict(found: Provenance, archive: Path) -> dict[str, Any]:
    """The provenance as JSON-ready values (capture paths absolute)."""
    article = found.article
    return {
        "file": article.file_name,
        "seq": article.seq,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "source": article.source,
        "headline": article.headline,
        "published_at": iso_utc(article.published_at) if article.published_at else None,
        "fetched_at": iso_utc(article.fetched_at),
        "origin": article.origin,
        "content_hash": article.content_hash,
        "captures": [
            {
                "warc": str(archive / row.warc_file),
                "offset": row.warc_offset,
                "length": row.warc_length,
                "digest": row.payload_digest,
                "url": row.url,
                "captured_at": iso_utc(row.captured_at),
                "decision": row.decision,
                "detail": row.detail,
                "seq": row.article_seq,
            }
            for row in found.captures
        ],
        "seen_as": [seen.canonical_url for seen in found.seen],
        "renames": found.renames,
    }


def format_provenance(data: dict[str, Any]) -> str:
    """The provenance as a short text report."""
    lines = [
        f"file:       {data['file']}",
        f"url:        {data['url'] or '-'}",
        f"source:     {data['source'] or '-'}",
        f"fetched:    {data['fetched_at']}",
        f"published:  {data['published_at'] or '-'}",
        f"origin:     {data['origin']}",
    ]
    if not data["captures"]:
        lines.append("captures:   none (fetched before captures, or from a folder)")
    for capture in data["captures"]:
        decided = capture["decision"] + (f" ({capture['detail']})" if capture["detail"] else "")
        lines.append(f"capture:    {capture['captured_at']}  {decided}")
        lines.append(f"            {capture['warc']} @ {capture['offset']}")
    for rename in data["renames"]:
        lines.append(
            f"renamed:    {rename['at']}  {rename['old']} -> {rename['new']} "
            f"({rename['reason']}{', run ' + rename['run'] if rename['run'] else ''})"
        )
    return "\n".join(lines)


def captured_page(found: Provenance, archive: Path) -> Page:
    """The page bytes of the file's newest capture that made it (else of its URL)."""
    if not found.captures:
        raise NotInCorpus(f"{found.article.file_name} has no capture")
    own = [row for row in found.captures if row.article_seq == found.article.seq]
    row = (own or found.captures)[-1]
    return read_page(archive / row.warc_file, row.warc_offset)


def history(session: Session, ref: str) -> dict[str, Any]:
    """The names corpus number `ref` had, oldest first, and its name now."""
    article = find_article(session, ref)
    renames = captures.renames_of_seq(session, article.seq)
    names = [renames[0].old_file_name] if renames else []
    names += [r.new_file_name for r in renames]
    if not names:
        names = [article.file_name]
    return {
        "seq": article.seq,
        "file": article.file_name,
        "names": names,
        "renames": [
            {
                "old": r.old_file_name,
                "new": r.new_file_name,
                "reason": r.reason,
                "run": r.run,
                "at": iso_utc(r.renamed_at),
            }
            for r in renames
        ],
    }


def open_for(config: AppConfig) -> tuple[Database, Path]:
    """The database (synced with the folder, as export does) and the archive folder."""
    return opened_database(config), config.archive.directory(config.corpus.dir)
