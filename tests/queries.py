"""Lookups only tests need (production code asks the database through db.repository)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Article, SeenUrl


def article_by_file_name(session: Session, file_name: str) -> Article | None:
    """The article stored in this corpus file, if any."""
    return session.scalar(select(Article).where(Article.file_name == file_name))


def articles_since(session: Session, since: datetime) -> Sequence[Article]:
    """Articles fetched at or after `since`, in seq order."""
    query = select(Article).where(Article.fetched_at >= since).order_by(Article.seq)
    return session.scalars(query).all()


def seen_url(session: Session, canonical_url: str) -> SeenUrl | None:
    """The seen_urls row of a canonical URL, if any."""
    return session.scalar(select(SeenUrl).where(SeenUrl.canonical_url == canonical_url))
