"""Scheduled monitoring: the APScheduler daemon that runs one isolated crawl per source."""
