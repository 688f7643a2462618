"""Everything the code imports is declared in pyproject.toml (a fresh virtualenv must work)."""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
OURS = {"bot", "adapters", "storage", "tests", "bench"}


def imported_modules(folder: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in OURS}


def declared(*groups: str) -> set[str]:
    """Distribution names in the dependencies and the given extras ("*": every extra)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    extras = project["optional-dependencies"]
    for group in extras if "*" in groups else groups:
        specs += extras[group]
    return {re.split(r"[\[<>=!~; ]", s, maxsplit=1)[0].lower().replace("_", "-") for s in specs}


def distributions(module: str) -> set[str]:
    return {d.lower().replace("_", "-") for d in md.packages_distributions().get(module, [])}


def test_every_import_of_the_product_is_a_declared_dependency() -> None:
    """Core imports in the dependencies; optional features' (scikit-learn) in an extra."""
    names = declared("*")
    for folder in ("bot", "adapters", "storage"):
        for module in sorted(imported_modules(folder)):
            assert distributions(module) & names, f"{folder} imports {module}, not declared"


def test_every_import_of_the_tests_is_declared_too() -> None:
    names = declared("test")
    for module in sorted(imported_modules("tests")):
        assert distributions(module) & names, f"tests import {module}, not declared"


def test_lxml_html_clean_comes_with_lxml() -> None:
    """justext (under trafilatura) imports lxml.html.clean, a separate package since lxml 5.2."""
    assert "lxml" in declared()
    spec = next(
        s
        for s in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
        if s.startswith("lxml")
    )
    assert "[html_clean]" in spec
    import lxml.html.clean  # noqa: F401  (what justext imports; fails without the extra)
