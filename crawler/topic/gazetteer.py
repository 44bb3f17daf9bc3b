"""The gazetteer: weighted term groups read from the shipped TOML file, extendable by config."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any, Literal, get_args

from crawler.topic.text import term_pattern

Kind = Literal[
    "place",
    "entity",
    "namesake",
    "elsewhere",
    "topic",
    "flu",
    "word",
    "province",
    "province_place",
    "merged_city",
    "genre",
]
KINDS: tuple[Kind, ...] = get_args(Kind)  # the order above
BUILTIN = "gwangju_ai.toml"


class GazetteerError(ValueError):
    """A gazetteer file or extension that cannot be used; the message says where."""


@dataclass(frozen=True)
class TermGroup:
    """Terms of one kind and weight; ``topic`` is the topic weight of a place-and-topic entity.

    ``rule`` says why a group reads as it does for one article (the merger's date rule).
    """

    kind: Kind
    label: str
    weight: float
    terms: tuple[str, ...]
    topic: float = 0.0
    ambiguous: bool = False
    rule: str = ""


@dataclass(frozen=True)
class Senses:
    """Words next to "AI" that decide whether it means the technology or avian influenza."""

    tech_after: tuple[str, ...] = ()
    flu_after: tuple[str, ...] = ()
    tool_after: tuple[str, ...] = ()
    flu_before: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gazetteer:
    """Every term group of a topic plus the sense words of its ambiguous topic term."""

    groups: tuple[TermGroup, ...]
    senses: Senses = Senses()
    anaphora: tuple[str, ...] = ()
    anaphora_weight: float = 0.5

    def __hash__(self) -> int:
        # Gazetteers key the caches of every decision: hash their hundreds of terms once.
        return self._hash

    @cached_property
    def _hash(self) -> int:
        return hash((self.groups, self.senses, self.anaphora, self.anaphora_weight))

    def extended(
        self,
        places: tuple[str, ...] = (),
        entities: tuple[str, ...] = (),
        terms: tuple[str, ...] = (),
    ) -> Gazetteer:
        """This gazetteer plus the user's own places, entities and topic terms (from config)."""
        extra = []
        if places:
            extra.append(TermGroup("place", "configured place", 2.0, places))
        if entities:
            extra.append(TermGroup("entity", "configured entity", 3.0, entities))
        if terms:
            extra.append(TermGroup("topic", "configured topic term", 1.0, terms))
        return replace(self, groups=self.groups + tuple(extra))


def _group(raw: Any, where: str) -> TermGroup:
    if not isinstance(raw, dict):
        raise GazetteerError(f"{where}: each [[group]] must be a table")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise GazetteerError(f"{where}: group kind must be one of {', '.join(KINDS)}")
    terms = raw.get("terms")
    if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
        raise GazetteerError(f"{where}: group {raw.get('label')!r} needs a list of terms")
    for term in terms:
        term_pattern(term)  # compile now: a bad term fails at load, not per article
    return TermGroup(
        kind=kind,
        label=str(raw.get("label", kind)),
        weight=float(raw.get("weight", 1.0)),
        terms=tuple(terms),
        topic=float(raw.get("topic", 0.0)),
        ambiguous=bool(raw.get("ambiguous", False)),
    )


def parse_gazetteer(text: str, where: str) -> Gazetteer:
    """A gazetteer from TOML text; ``where`` names the file in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GazetteerError(f"{where}: not valid TOML: {exc}") from exc
    groups = tuple(_group(raw, where) for raw in data.get("group", []))
    sense = data.get("sense", {})
    senses = Senses(**{key: tuple(sense.get(key, ())) for key in Senses.__dataclass_fields__})
    anaphora = data.get("anaphora", {})
    return Gazetteer(
        groups,
        senses,
        anaphora=tuple(anaphora.get("terms", ())),
        anaphora_weight=float(anaphora.get("weight", 0.5)),
    )


@lru_cache(maxsize=1)
def builtin_gazetteer() -> Gazetteer:
    """The gazetteer shipped with the package (read once per process)."""
    text = resources.files("crawler.topic").joinpath(BUILTIN).read_text(encoding="utf-8")
    return parse_gazetteer(text, where=BUILTIN)
