"""The article item passed from the spider to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawler.parsers.base import Extracted, NoArticle

if TYPE_CHECKING:
    from crawler.capture import Capture, Located
    from crawler.capture.warc import Encoded
    from crawler.neardup.fingerprint import Fingerprint


@dataclass
class ArticleItem:
    """One fetched article page and what was extracted from it (None: the page had no body)."""

    source: str
    url: str
    canonical_url: str
    fetched_at: datetime
    extracted: Extracted | None
    # canonical forms of the page's other names (URLs that redirected here, its own
    # rel=canonical), so they count as known too
    redirected_from: tuple[str, ...] = field(default_factory=tuple)
    gone: bool = False  # the server answered 404/410: remember the URL, expect no text
    refused: str | None = None  # a permanent refusal (crawler/crawl/refusals.py): remember, no text
    missing: NoArticle | None = None  # why extraction found no article (no_body, short_body)
    # The corpus form of extracted.text and its near-duplicate fingerprint, when extraction
    # computed them (off the main process); the pipeline computes what is missing.
    text: str | None = None
    fingerprint: Fingerprint | None = None
    # The article page's own validators, kept with it for conditional re-checks (revisions).
    etag: str | None = None
    last_modified: str | None = None
    on_topic: bool = False  # set by the topic filter when the article passed it
    # a backfill's record of where the page came from (door, cursor unit, capture)
    backfill: Any = None
    # What the pipelines decided (a seen status: added, duplicate, off_topic...), said in the
    # page's WARC capture; `stored_as` is (seq, file name) once the page is a corpus file.
    decision: str | None = None
    decision_detail: str | None = None
    stored_as: tuple[int, str] | None = None
    # A page replayed from a capture (ingest, recheck): the capture to write for it, or where
    # it is archived already (then only its new decision is indexed).
    capture: Capture | None = None
    captured: Located | None = None
    replay: tuple[str, int] | None = None  # (WARC file, record offset) of an ingested page
    encoded: Encoded | None = None  # the fetched page's WARC records, encoded by extraction
