"""A discovery result as a ready [[sources]] TOML entry and as a plain-text report."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crawler.discovery import entrypoints

if TYPE_CHECKING:
    from crawler.backfill.registry import DoorOffer
    from crawler.probes.discover import Discovery


def suggested_key(result: Discovery) -> str:
    host = urlsplit(result.final_url or result.homepage).hostname or "site"
    label = entrypoints.site_of(host).split(".")[0]
    key = re.sub(r"[^a-z0-9_-]", "-", label.lower()).strip("-_")
    return key or "site"


def _toml_string(value: str) -> str:
    return f"'{value}'" if "'" not in value and "\n" not in value else json.dumps(value)


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(_toml_string(v) for v in values) + "]"


def toml_entry(result: Discovery, key: str | None = None) -> str:
    """A ready [[sources]] entry for newsmon.toml."""
    name = re.split(r"\s[-|:]\s|\s*[|]\s*", result.title)[0].strip() or suggested_key(result)
    lines = [
        "[[sources]]",
        f"key = {_toml_string(key or suggested_key(result))}",
        f"name = {json.dumps(name[:60], ensure_ascii=False)}",
        f"homepage = {_toml_string(result.final_url or result.homepage)}",
    ]
    for kind in ("feeds", "sitemaps", "listings"):
        values: list[str] = getattr(result, kind)
        if values:
            lines.append(f"{kind} = {_toml_list(values)}")
    if result.article_pattern:
        lines.append(f"article_pattern = {_toml_string(result.article_pattern)}")
    if result.samples:
        lines.append(f"sample_article = {_toml_string(result.samples[0])}")
    kept = "; ".join(f"{a.kind} {a.url}: {a.reason}" for a in result.tried if a.kept)
    provenance = "found by `newsmon sources discover`, unchecked by a person: " + kept
    lines.append(f"provenance = {json.dumps(provenance, ensure_ascii=False)}")
    return "\n".join(lines)


def backfill_offers(result: Discovery) -> list[DoorOffer]:
    """The backfill doors the entry found would offer (its CMS family's site search...)."""
    from crawler.backfill.registry import offers
    from crawler.sources.base import Source, SourceError

    try:
        source = Source(
            key=suggested_key(result), name=result.title or "site",
            homepage=result.final_url or result.homepage, feeds=tuple(result.feeds),
            sitemaps=tuple(result.sitemaps), listings=tuple(result.listings),
            article_pattern=result.article_pattern,
        )  # fmt: skip
    except SourceError:
        return []  # nothing usable found: no door either
    return offers(source)


def format_discovery(result: Discovery) -> str:
    """The plain-text report: what was found, three sample articles, the TOML entry."""
    lines = [
        f"{result.homepage}"
        + (
            f" -> {result.final_url}"
            if result.final_url and result.final_url != result.homepage
            else ""
        )
    ]
    for kind, url in result.entry_points:
        lines.append(f"  {kind:<8} {url}")
    if result.article_pattern:
        lines.append(f"  pattern  {result.article_pattern}")
        lines += [f"  sample   {url}" for url in result.samples]
    for offer in backfill_offers(result):
        lines.append(f"  backfill {offer.door:<8} {offer.template or '-'} ({offer.provenance})")
    lines += [f"  note     {reason}" for reason in result.reasons]
    if result.found:
        lines += ["", toml_entry(result)]
    return "\n".join(lines)
