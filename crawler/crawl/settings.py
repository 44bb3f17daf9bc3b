"""Static Scrapy settings and the NEWSMON_* setting defaults; reads no environment."""

from __future__ import annotations

from typing import Any

from crawler.neardup import DEFAULT_THRESHOLD
from crawler.parsers.base import MIN_BODY_CHARS
from crawler.urls import MAX_REDIRECTS

BOT_NAME = "newsmon"

# Every NEWSMON_* default, here only: components read these settings without fallbacks.
NEWSMON_DEFAULTS: dict[str, Any] = {
    "NEWSMON_PROGRESS_INTERVAL": 5.0,
    "NEWSMON_MIN_BODY_CHARS": MIN_BODY_CHARS,
    "NEWSMON_CONDITIONAL_ENABLED": True,  # ETag / Last-Modified on discovery pages
    "NEWSMON_RETRY_AFTER_MAX": 300.0,  # seconds; a longer Retry-After is capped
    "NEWSMON_RETRY_BACKOFF": 1.0,  # seconds before the first retry, doubling for each next one
    "NEWSMON_RETRY_BACKOFF_MAX": 60.0,
    # a source whose discovery URLs all fail looks for new ones from its homepage
    "NEWSMON_DISCOVERY_FALLBACK": True,
    "NEWSMON_SKIP_KNOWN": True,  # never request an article URL already seen
    "NEWSMON_SCOPE_ENABLED": True,  # off-scope hosts are refused
    "NEWSMON_NEAR_ENABLED": True,
    "NEWSMON_NEAR_THRESHOLD": DEFAULT_THRESHOLD,
    "NEWSMON_EXTRACT_WORKERS": 1,
    "NEWSMON_TOPIC": None,
    # seconds after its first fetch at which a stored article is first re-checked; None: never
    "NEWSMON_RECHECK_FIRST": None,
    # WARC captures (crawler/capture): every article response, optionally discovery pages;
    # "" for the folder = `archive/` in the corpus's state folder
    "NEWSMON_ARCHIVE_WARC": True,
    "NEWSMON_ARCHIVE_DISCOVERY": False,
    "NEWSMON_ARCHIVE_DIR": "",
    "NEWSMON_ARCHIVE_MAX_BYTES": 1024**3,
}

STATIC_SETTINGS: dict[str, Any] = {
    "BOT_NAME": BOT_NAME,
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "SPIDER_MODULES": ["crawler.crawl.spiders"],
    "ROBOTSTXT_OBEY": True,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,  # an unattended crawler opens no control port
    # Scrapy starts this many asyncio workers for every response's output; an article page
    # yields one item, so the default 100 costs more CPU than the item itself.
    "CONCURRENT_ITEMS": 8,
    "RETRY_ENABLED": True,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    "HTTPERROR_ALLOW_ALL": False,
    "REDIRECT_ENABLED": True,
    "REDIRECT_MAX_TIMES": MAX_REDIRECTS,
    "DNS_TIMEOUT": 15,
    "LOG_LEVEL": "WARNING",
    "LOG_INSTALL_ROOT_HANDLER": False,
    "LOGSTATS_INTERVAL": 0,
    "SPIDER_MIDDLEWARES": {
        "crawler.crawl.known_urls.KnownUrlMiddleware": 50,
    },
    "DOWNLOADER_MIDDLEWARES": {
        # before RobotsTxtMiddleware (100): an off-scope host is not asked for anything
        "crawler.crawl.scope_guard.ScopeMiddleware": 50,
        # its process_response sees a 3xx before RedirectMiddleware (600) follows it
        "crawler.crawl.redirects.RedirectGuardMiddleware": 610,
        # after the guard (a refused redirect is not followed), before RedirectMiddleware
        "crawler.crawl.captures.RedirectCaptureMiddleware": 605,
        "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
        "crawler.crawl.size_guard.SizeGuardCompressionMiddleware": 590,
        # process_response runs before RetryMiddleware (550) re-queues a 429/503
        "crawler.crawl.retry_after.RetryAfterMiddleware": 560,
        "crawler.crawl.conditional.ConditionalRequestMiddleware": 580,
        # Scrapy's (580) decodes every whole page to read its first 4096 characters
        "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
        "crawler.crawl.meta_refresh.HeadMetaRefreshMiddleware": 579,
    },
    "ITEM_PIPELINES": {
        "crawler.crawl.pipelines.TopicFilterPipeline": 100,
        "crawler.crawl.pipelines.CorpusPipeline": 200,
    },
    # Scrapy imports every key of EXTENSIONS and EXTENSIONS_BASE to normalise it, a disabled
    # one (None) too, and the remote control imports aiohttp (~0.1 s per process). So the base
    # is Scrapy's own less what this crawl never enables: the telnet console and the remote
    # control (an unattended crawler opens no port), feed exports (no FEEDS), spider state
    # (no JOBDIR) and the memory debugger.
    "EXTENSIONS_BASE": {
        "scrapy.extensions.corestats.CoreStats": 0,
        "scrapy.extensions.logcount.LogCount": 0,
        "scrapy.extensions.memusage.MemoryUsage": 0,
        "scrapy.extensions.closespider.CloseSpider": 0,
        "scrapy.extensions.logstats.LogStats": 0,
        "scrapy.extensions.throttle.AutoThrottle": 0,
    },
    "EXTENSIONS": {
        "crawler.crawl.services.CrawlServices": 0,  # owns the database, corpus and indexes
        "crawler.crawl.extensions.CrawlRunRecorder": 100,
        "crawler.crawl.extensions.ProgressLogger": 200,
        "crawler.crawl.captures.CaptureRecorder": 300,
    },
    **NEWSMON_DEFAULTS,
}
