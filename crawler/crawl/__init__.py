"""The Scrapy layer: the only package that imports Scrapy or Twisted."""
