"""Structure checks: the import graph has no circles and flows one way, no module is
over 500 lines, and no block of 6 lines is repeated in product code.

The import graph is read with ``ast`` from every ``import`` in ``bot/``, ``adapters/``
and ``storage/``: at module level, under ``TYPE_CHECKING`` and inside functions alike,
since a lazy import that closes a circle is still a circle.
"""

from __future__ import annotations

import ast
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parents[1]
PRODUCT = ("bot", "adapters", "storage")
MAX_LINES = 500
SIMILAR_LINES = 6
# Known repeats, each to go: (file, file, why it is still here)
KNOWN_REPEATS: dict[tuple[str, str], str] = {}
DOMAIN = "bot.domain"
"""The platform-free types at the bottom of the graph: the one module of ours that
``storage`` may import (to map its rows), itself importing nothing of ours."""


def product_files() -> list[Path]:
    return sorted(
        p for pkg in PRODUCT for p in (ROOT / pkg).rglob("*.py") if "migrations" not in p.parts
    )


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_names(path: Path) -> Iterator[str]:
    """Every module name an ``import`` in the file names, relative imports resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in product_files()}

    def ours(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = {ours(n) for n in imported_names(path)}
        graph[name] = {m for m in found if m and m != name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def all_imports(pkg: str) -> dict[str, set[str]]:
    return {
        module_name(p): set(imported_names(p))
        for p in product_files()
        if module_name(p).startswith(pkg)
    }


def test_no_import_circles() -> None:
    assert circles(import_graph()) == []


def test_the_core_never_imports_an_adapter() -> None:
    wrong = {
        m: sorted(d for d in deps if d.split(".")[0] == "adapters")
        for m, deps in all_imports("bot").items()
    }
    assert {m: d for m, d in wrong.items() if d} == {}


def _is_domain(name: str) -> bool:
    return name == DOMAIN or name.startswith(DOMAIN + ".")


def test_storage_imports_only_the_domain_and_adapters_never_touch_storage() -> None:
    for pkg, forbidden in (("storage", {"bot", "adapters"}), ("adapters", {"storage"})):
        wrong = {
            m: sorted(d for d in deps if d.split(".")[0] in forbidden and not _is_domain(d))
            for m, deps in all_imports(pkg).items()
        }
        assert {m: d for m, d in wrong.items() if d} == {}, pkg


def test_the_domain_imports_nothing_of_ours() -> None:
    [deps] = [d for m, d in all_imports(DOMAIN).items() if m == DOMAIN]
    assert sorted(d for d in deps if d.split(".")[0] in PRODUCT) == []
    # ``from bot import domain`` runs ``bot/__init__.py`` first: it must stay empty of imports
    assert list(imported_names(ROOT / "bot" / "__init__.py")) == []


def test_sqlalchemy_and_alembic_only_in_storage() -> None:
    for pkg in ("bot", "adapters"):
        wrong = {
            m: sorted(d for d in deps if d.split(".")[0] in ("sqlalchemy", "alembic"))
            for m, deps in all_imports(pkg).items()
        }
        assert {m: d for m, d in wrong.items() if d} == {}, pkg


def test_no_module_over_500_lines() -> None:
    files = [p for pkg in (*PRODUCT, "tests") for p in (ROOT / pkg).rglob("*.py")]
    long = {
        str(p.relative_to(ROOT)): n
        for p in files
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def code_lines(path: Path) -> list[tuple[int, str]]:
    """The lines pylint's duplicate-code compares: stripped, without blank lines, comments,
    docstrings, imports and function signatures."""
    source = path.read_text()
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            skip.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module):
            body = node.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                skip.update(range(first, body[0].lineno))
            doc = body[0] if body else None
            if (
                isinstance(doc, ast.Expr)
                and isinstance(doc.value, ast.Constant)
                and isinstance(doc.value.value, str)
            ):
                skip.update(range(doc.lineno, (doc.end_lineno or doc.lineno) + 1))
    lines = []
    for number, line in enumerate(source.splitlines(), 1):
        text = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
        if number not in skip and text:
            lines.append((number, text))
    return lines


def repeats(files: list[Path], size: int = SIMILAR_LINES) -> set[tuple[str, str]]:
    """Pairs of files that share ``size`` consecutive code lines."""
    seen: dict[str, set[str]] = defaultdict(set)
    for path in files:
        lines = [text for _, text in code_lines(path)]
        for i in range(len(lines) - size + 1):
            digest = hashlib.blake2b("\n".join(lines[i : i + size]).encode()).hexdigest()
            seen[digest].add(str(path.relative_to(ROOT)))
    pairs = set()
    for where in seen.values():
        ordered = sorted(where)
        pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    return pairs


def test_no_repeated_code_in_the_product() -> None:
    """The equivalent of ``pylint --enable=duplicate-code --min-similarity-lines=6`` (which
    ``make duplicates`` runs), fast enough for every test run."""
    assert repeats(product_files()) - set(KNOWN_REPEATS) == set()


def test_the_repeat_check_finds_a_repeat(tmp_path: Path) -> None:
    block = "\n".join(f"total += values[{i}] * {i}" for i in range(SIMILAR_LINES))
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(f'"""Doc."""\n\nimport os\n\n{block}\n')
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert repeats([tmp_path / "a.py", tmp_path / "b.py"]) == {("a.py", "b.py")}
    finally:
        ROOT = saved
