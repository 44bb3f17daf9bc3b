"""The merger of Gwangju and 전남 into 전남광주특별시 (2026-07-01): how the former province reads.

The gazetteer's ``province`` groups (the former 전라남도's name and governor) and
``province_place`` groups (its 시군 and places) have no fixed kind: an article dated before
the merger reads them as another place, as the news of the time did. After it they are inside
the same city, and the one ``[topic] merged_region`` setting says whether that makes them
Gwangju for the topic (true, the default: the integrated city's AI story is the story) or not
(false: the topic is the former 광주광역시; the province's name is then neutral, since it is
part of the city's own, its places are other places, and the integrated city's name, which
names both, weighs as little as the shared name 광주).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from functools import lru_cache

from crawler.timeutil import KST
from crawler.topic.gazetteer import Gazetteer, TermGroup

MERGER_DAY = date(2026, 7, 1)
CITY = "전남광주특별시"


def after_merger(published: date | datetime | None) -> bool:
    """True when the article is dated on or after the merger (in Korean time).

    An article without a date is read as before it: the caller that knows better (the crawl,
    which falls back to the fetch time) passes a date.
    """
    if published is None:
        return False
    if isinstance(published, datetime):
        published = published.astimezone(KST).date() if published.tzinfo else published.date()
    return published >= MERGER_DAY


def rule_text(after: bool, merged_region: bool) -> str:
    """The merger rule in force for an article, as ``topic explain`` shows it."""
    if not after:
        return f"dated before {MERGER_DAY}: former-전남 places are another place (전남)"
    if merged_region:
        return (
            f"dated on or after {MERGER_DAY}, merged_region = true: former-전남 places are "
            f"inside {CITY} and count as Gwangju"
        )
    return (
        f"dated on or after {MERGER_DAY}, merged_region = false: {CITY}'s name weighs "
        f"{NARROW_CITY_WEIGHT:g}, 전남 is part of it (neutral); former-전남 places are "
        "another place"
    )


@lru_cache(maxsize=16)
def for_article(gazetteer: Gazetteer, after: bool, merged_region: bool) -> Gazetteer:
    """The gazetteer with its province groups given the kind the merger rule gives them."""
    rule = rule_text(after, merged_region)
    groups = tuple(_read(group, after, merged_region, rule) for group in gazetteer.groups)
    return replace(gazetteer, groups=groups)


NARROW_CITY_WEIGHT = 1.0  # the integrated city's name, when the topic is the former city only


def _read(group: TermGroup, after: bool, merged_region: bool, rule: str) -> TermGroup:
    if group.kind == "merged_city":
        if after and not merged_region:
            return replace(group, kind="place", weight=NARROW_CITY_WEIGHT, rule=rule)
        return replace(group, kind="place")
    if group.kind not in ("province", "province_place"):
        return group
    if not after:
        return replace(group, kind="elsewhere", rule=rule)
    if merged_region:
        return replace(group, kind="place", label=f"former {group.label}, in {CITY}", rule=rule)
    if group.kind == "province":
        return replace(group, kind="word", label=f"{group.label}, part of {CITY}", rule=rule)
    return replace(group, kind="elsewhere", label=f"former {group.label}", rule=rule)
