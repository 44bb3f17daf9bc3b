"""Every third-party package the runtime imports is declared, and every declared one is used."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from tests.paths import REPO

RUNTIME = ("corpus_folder", "crawler", "db", "newsmon", "scheduler")
LOCAL = frozenset((*RUNTIME, "bench", "tests"))
# Declared for what they provide without being imported by name.
INDIRECT = {
    "psycopg": "the PostgreSQL driver SQLAlchemy loads from a database URL",
    "lxml-html-clean": "lxml's HTML cleaner, which trafilatura imports",
}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {_canonical(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0]) for spec in specs}


def imported_distributions(packages: tuple[str, ...]) -> set[str]:
    modules: set[str] = set()
    for package in packages:
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules.add(node.module.split(".")[0])
    # _typeshed exists only for type checkers (imported under TYPE_CHECKING)
    third_party = modules - set(sys.stdlib_module_names) - LOCAL - {"__future__", "_typeshed"}
    mapping = packages_distributions()
    return {_canonical(dist) for module in third_party for dist in mapping.get(module, [module])}


def test_runtime_imports_are_declared() -> None:
    assert imported_distributions(RUNTIME) - declared() == set()


def test_declared_runtime_packages_are_imported() -> None:
    unused = declared() - imported_distributions(RUNTIME) - {_canonical(k) for k in INDIRECT}
    assert unused == set()


def test_benchmark_only_packages_are_an_extra() -> None:
    bench_only = imported_distributions(("bench",)) - imported_distributions(RUNTIME)
    assert bench_only <= declared("bench")
    assert not bench_only & declared()
