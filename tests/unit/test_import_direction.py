"""The layers hold: pure crawler code never imports Scrapy or Twisted, and imports point down
(db <- corpus_folder <- crawler <- scheduler <- newsmon). Read from the source (AST), so lazy
imports count."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.paths import REPO

SCRAPY_LAYER = "crawler.crawl"
FRAMEWORKS = ("scrapy", "twisted")
# Each layer and the packages it must never import.
FORBIDDEN = {
    "db": ("corpus_folder", "crawler", "scheduler", "newsmon"),
    "corpus_folder": ("crawler", "scheduler", "newsmon"),
    "crawler": ("scheduler", "newsmon"),
    "scheduler": ("newsmon",),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


def imports(path: Path) -> Iterator[str]:
    """Absolute names of every module `path` imports, at any depth of the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


PURE = [p for p in modules("crawler") if not within(module_name(p), SCRAPY_LAYER)]


@pytest.mark.parametrize("path", PURE, ids=module_name)
def test_pure_crawler_code_never_imports_scrapy(path: Path) -> None:
    wrong = [
        name
        for name in imports(path)
        if any(within(name, framework) for framework in FRAMEWORKS) or within(name, SCRAPY_LAYER)
    ]
    assert wrong == [], f"{module_name(path)} imports the Scrapy layer: {wrong}"


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_point_down(layer: str) -> None:
    wrong = {
        module_name(path): name
        for path in modules(layer)
        for name in imports(path)
        if any(within(name, above) for above in FORBIDDEN[layer])
    }
    assert wrong == {}, f"{layer} imports a layer above it: {wrong}"


# Inside crawler, the same rule: pure parsing and discovery under the registry, the registry
# under the configuration, live probes above those, the Scrapy layer on top.
_PURE_BASE = (
    "crawler.text",
    "crawler.urls",
    "crawler.dates",
    "crawler.timeutil",
    "crawler.htmlpage",
)
_ABOVE_DATA = ("crawler.config", "crawler.probes", "crawler.crawl")
FORBIDDEN_INSIDE = {
    "crawler.discovery": ("crawler.sources", "crawler.topic", "crawler.parsers", *_ABOVE_DATA),
    "crawler.parsers": ("crawler.sources", "crawler.topic", "crawler.discovery", *_ABOVE_DATA),
    "crawler.topic": ("crawler.sources", "crawler.discovery", "crawler.parsers", *_ABOVE_DATA),
    "crawler.neardup": ("crawler.sources", "crawler.topic", "crawler.discovery", *_ABOVE_DATA),
    "crawler.sources": _ABOVE_DATA,
    "crawler.config": ("crawler.probes", "crawler.crawl"),
    "crawler.probes": ("crawler.crawl",),
    **{base: ("crawler.sources", "crawler.topic", *_ABOVE_DATA) for base in _PURE_BASE},
}


@pytest.mark.parametrize("part", sorted(FORBIDDEN_INSIDE))
def test_imports_point_down_inside_crawler(part: str) -> None:
    paths = [path for path in modules("crawler") if within(module_name(path), part)]
    assert paths, f"no module {part}"
    wrong = {
        module_name(path): name
        for path in paths
        for name in imports(path)
        if any(within(name, above) for above in FORBIDDEN_INSIDE[part])
    }
    assert wrong == {}, f"{part} imports a part above it: {wrong}"


def test_the_check_sees_the_scrapy_layer() -> None:
    # guards the check itself: the spider is outside the pure set and does import Scrapy
    spider = REPO / "crawler" / "crawl" / "spiders" / "news.py"
    assert spider not in PURE and any(within(n, "scrapy") for n in imports(spider))
    assert len(PURE) > 40


def import_graph(package: str) -> dict[str, set[str]]:
    """Unit -> the units of the same package it imports (at any depth of its files); a unit is
    a module or subpackage directly under the package (`crawler.sources`, `db.session`)."""

    def unit(name: str) -> str:
        return ".".join(name.split(".")[:2])

    graph: dict[str, set[str]] = {}
    for path in modules(package):
        name = unit(module_name(path))
        found = graph.setdefault(name, set())
        for imported in imports(path):
            target = unit(imported)
            if within(imported, package) and target not in (name, package):
                found.add(target)
    # `from db import migrate` names db.migrate; `from db.x import y` also yields db.x.y
    units = set(graph)
    return {name: {t for t in targets if t in units} for name, targets in graph.items()}


def cycle_in(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of the graph (as a path that returns to its start), or []."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> list[str]:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, nxt])):
                return found
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return []


@pytest.mark.parametrize("package", ["db", "corpus_folder", "crawler", "scheduler", "newsmon"])
def test_no_import_cycle(package: str) -> None:
    cycle = cycle_in(import_graph(package))
    assert cycle == [], " -> ".join(cycle)


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set()}) == []
