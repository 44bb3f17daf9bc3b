"""Log formatter: dropped items are routine (off topic, duplicate), so they log at DEBUG."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import logformatter


class QuietDropFormatter(logformatter.LogFormatter):
    """Scrapy's formatter with item drops moved from WARNING to DEBUG."""

    def dropped(self, *args: Any, **kwargs: Any) -> logformatter.LogFormatterResult:
        result = super().dropped(*args, **kwargs)
        result["level"] = logging.DEBUG
        return result
