"""Scrapy spiders driven by a Source."""
