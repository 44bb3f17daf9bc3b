"""Crawling: configuration, sources, discovery, extraction, filtering and Scrapy components."""
