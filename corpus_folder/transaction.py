"""One append under the corpus lock, in one session: the caller (the crawl's pipeline, or
`CorpusStore.append`) drives each step; the store places the file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from corpus_folder.names import corpus_name
from corpus_folder.staging import Staged
from db import repository as repo

Place = Callable[[Session, repo.ArticleRef, Staged], None]


class AppendTransaction:
    """The steps of one append: exact check, the row under the next number, then `commit`."""

    def __init__(self, staged: Staged, session: Session, folder_max_seq: int, place: Place) -> None:
        self.staged = staged
        self.session = session  # for the caller's rows about this article, in the same commit
        self.folder_max_seq = folder_max_seq  # a file's number is never reused, row or not
        self.place = place
        self.article: repo.ArticleRef | None = None
        self.committed = False

    def exact_duplicate(self) -> repo.ArticleRef | None:
        """The stored article with the same bytes, if any."""
        return repo.ref_by_hash(self.session, self.staged.digest)

    def add_article(
        self, *, url: str | None, canonical_url: str | None, source: str | None, headline: str,
        published_at: datetime | None, fetched_at: datetime,
    ) -> repo.ArticleRef:  # fmt: skip
        """Add the row under the next free number (the file is placed by `commit`)."""
        seq = max(repo.max_seq(self.session), self.folder_max_seq) + 1
        self.article = repo.add_article(
            self.session, seq=seq, file_name=corpus_name(seq, self.staged.digest),
            content_hash=self.staged.digest, url=url, canonical_url=canonical_url, source=source,
            headline=headline, published_at=published_at, fetched_at=fetched_at, origin="crawl",
        )  # fmt: skip
        return self.article

    def commit(self) -> None:
        """Place the added article's file (if any), fsync the folder, then commit."""
        if self.article is None:
            self.session.commit()
        else:
            self.place(self.session, self.article, self.staged)
        self.committed = True
