"""One gazetteer term found in an article, and what it weighs where it stands."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from crawler.topic.gazetteer import Kind, TermGroup


@dataclass(frozen=True)
class Mention:
    """One term found in the article; ``sense`` is empty when it counts for the topic."""

    text: str
    group: TermGroup
    start: int
    sentence: int
    in_headline: bool
    sense: str = ""

    @property
    def kind(self) -> Kind:
        return self.group.kind


def with_sense(mention: Mention, sense: str) -> Mention:
    """The mention discounted for ``sense``."""
    return dataclasses.replace(mention, sense=sense)


def weight(mention: Mention) -> float:
    """A mention's weight where it stands: a headline mention counts double."""
    return mention.group.weight * (2 if mention.in_headline else 1)
