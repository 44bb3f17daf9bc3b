"""The relevance filter: is an article about the configured topic, and on what evidence."""

from crawler.topic.presets import DEFAULT_TOPIC, PRESETS, TERMS_TOPIC
from crawler.topic.rules import Topic, TopicConfigError, TopicDecision
from crawler.topic.text import term_pattern

__all__ = [
    "DEFAULT_TOPIC",
    "PRESETS",
    "TERMS_TOPIC",
    "Topic",
    "TopicConfigError",
    "TopicDecision",
    "term_pattern",
]
