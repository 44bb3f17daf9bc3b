"""Source registry: the built-in outlets, validated at import."""

from __future__ import annotations

from crawler.sources.base import NDSOFT_ARTICLE, Source, SourceError, check_registry
from crawler.sources.gwangju import SOURCES as _GWANGJU

BUILTIN_SOURCES: tuple[Source, ...] = check_registry(_GWANGJU)

__all__ = ["BUILTIN_SOURCES", "NDSOFT_ARTICLE", "Source", "SourceError", "check_registry"]
