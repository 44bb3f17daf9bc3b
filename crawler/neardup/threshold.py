"""The near-duplicate threshold, apart from numpy: the configuration reads it at import."""

# Chosen from measurements; the table and the reasoning are in crawler.neardup.shingling.
DEFAULT_THRESHOLD = 0.8
