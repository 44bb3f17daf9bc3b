"""Why a topic kept or rejected an article: the decision and its evidence, as data and as text."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from crawler.topic.evidence import Mention, weight
from crawler.topic.merger import MERGER_DAY
from crawler.topic.rules import Topic
from crawler.topic.score import LEAD_SENTENCES, PLACE_NEEDED, TOPIC_NEEDED
from crawler.topic.text import Article, term_pattern


def explain(
    topic: Topic, headline: str, body: str, published: date | datetime | None = None
) -> dict[str, Any]:
    """The decision and every piece of evidence, JSON-ready.

    ``merger_rule`` is there when the article names places of the former 전남, whose reading
    depends on its date (``crawler.topic.merger``).
    """
    decision = topic.decide(headline, body, published)
    result: dict[str, Any] = {
        "headline": headline,
        "on_topic": decision.matched,
        "reason": decision.reason,
        "score": decision.score if topic.evidence else None,
        "missing": list(decision.missing),
    }
    found = decision.assessment
    article = Article.of(headline, body)
    first_body = article.sentence(article.body_start)
    if found is None:
        result["evidence"] = _literal_evidence(topic, headline, body)
        return result
    result.update(
        {
            "gwangju_evidence": found.place,
            "gwangju_needed": PLACE_NEEDED,
            "lead_sentences": LEAD_SENTENCES,
            "ai_evidence": found.topic,
            "ai_needed": TOPIC_NEEDED,
            "strongest_other_place": {"place": found.elsewhere[0], "weight": found.elsewhere[1]},
            "discounted": list(found.discounted),
            "evidence": [_row(mention, first_body) for mention in found.mentions],
        }
    )
    rules = sorted({m.group.rule for m in found.mentions if m.group.rule})
    if rules:
        result["merger_rule"] = {
            "article_date": _iso(published),
            "merger_day": MERGER_DAY.isoformat(),
            "merged_region": topic.merged_region,
            "rule": rules[0],
        }
    return result


def _iso(published: date | datetime | None) -> str | None:
    return None if published is None else published.isoformat()


def _row(mention: Mention, first_body: int) -> dict[str, Any]:
    group = mention.group
    factor = 2 if mention.in_headline else 1
    topic_weight = group.weight if group.kind == "topic" else group.topic
    return {
        "term": mention.text,
        "where": "headline" if mention.in_headline else f"body {mention.sentence - first_body + 1}",
        "kind": group.kind,
        "group": group.label,
        "weight": weight(mention) if group.kind != "topic" else 0.0,
        "topic_weight": topic_weight * factor if group.kind in ("topic", "entity") else 0.0,
        "counted": not mention.sense and group.kind in ("place", "entity", "topic"),
        "discounted_as": mention.sense or None,
    }


def _literal_evidence(topic: Topic, headline: str, body: str) -> list[dict[str, Any]]:
    """Where each term of a term-list topic occurs."""
    article = Article.of(headline, body)
    first_body = article.sentence(article.body_start)
    rows = []
    for role, terms in (("all", topic.all), ("any", topic.any), ("none", topic.none)):
        for term in terms:
            for match in term_pattern(term).finditer(article.text):
                where = match.start()
                rows.append(
                    {
                        "term": match.group(),
                        "where": "headline"
                        if not article.in_body(where)
                        else f"body {article.sentence(where) - first_body + 1}",
                        "kind": role,
                        "group": term,
                        "weight": 1.0,
                        "topic_weight": 0.0,
                        "counted": True,
                        "discounted_as": None,
                    }
                )
    return rows
