"""The package's import graph: no circles, data flowing one way (builders below the registry,
the registry below the pages), and the registration lists explicit."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "dashboard"


def module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Every dashboard module -> the dashboard modules it imports, at its top or in a function."""
    names = {module_name(p) for p in PKG.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in PKG.rglob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found |= {f"{node.module}.{a.name}" for a in node.names}
        graph[module_name(path)] = {m for m in found if m in names} - {module_name(path)}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import circle, once (depth-first search for back edges)."""
    out, state, stack = [], {}, []

    def visit(m: str) -> None:
        state[m] = "open"
        stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == "open":
                out.append(stack[stack.index(n) :] + [n])
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m)
    return out


def test_no_import_circles():
    graph = imports()
    assert "dashboard.registry" in graph and len(graph) > 50  # the walk found the package
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_builders_sit_below_the_registry_and_the_pages():
    graph = imports()
    for m, deps in graph.items():
        if m.startswith("dashboard.builders"):
            assert "dashboard.registry" not in deps, m
            assert not any(d.startswith("dashboard.views") for d in deps), m
    for path in (PKG / "builders").glob("*.py"):  # no Streamlit below the pages
        assert "streamlit" not in path.read_text("utf-8"), path.name
    assert {"dashboard.builders.home", "dashboard.builders.russia"} <= graph["dashboard.registry"]


def test_every_declared_builder_is_listed_once():
    """A builder module's declared functions are exactly the registry's list (no registration
    by import: a declared builder left out of ``BUILDERS`` fails here)."""
    import importlib
    import inspect
    import pkgutil

    from dashboard import builders, registry

    modules = [
        importlib.import_module(f"dashboard.builders.{m.name}")
        for m in pkgutil.iter_modules(builders.__path__)
    ]
    assert len(modules) >= 6
    declared = {
        fn
        for mod in modules
        for _, fn in inspect.getmembers(mod, inspect.isfunction)
        if hasattr(fn, "declared")
    }
    assert declared == set(registry.BUILDERS)
    assert len(registry.BUILDERS) == len(set(registry.BUILDERS)) == len(registry.REGISTRY)


# what a page may import: the registry (its charts and tables), queries (choices, names,
# defaults), the sitemap and the other views; the page toolkit draws and exports a Built
# (charts, export, chart_cache), and the Your data page analyses the reader's own file
# (uploaded), which is in no store
PAGE_IMPORTS = {"dashboard.registry", "dashboard.queries", "dashboard.sitemap"}
MORE = {
    "dashboard.views.common": {"dashboard.charts", "dashboard.export", "dashboard.chart_cache"},
    "dashboard.views.your_data": {"dashboard.uploaded"},
}


def outside_the_page_rule(graph: dict[str, set[str]]) -> dict[str, list[str]]:
    """Each view module -> what it imports that a page may not."""
    out = {}
    for m, deps in graph.items():
        if not m.startswith("dashboard.views."):
            continue
        allowed = PAGE_IMPORTS | MORE.get(m, set()) | {"dashboard"}  # "from dashboard import x"
        bad = sorted(d for d in deps if not d.startswith("dashboard.views") and d not in allowed)
        if bad:
            out[m] = bad
    return out


def test_pages_only_lay_out():
    """Views import the registry, queries, the sitemap and views only (and the named few
    above): no store, source, builder or analysis module, at the top or in a function."""
    graph = imports()
    assert {"dashboard.views.russia", "dashboard.views.common"} <= set(graph)
    assert outside_the_page_rule(graph) == {}


def test_the_page_rule_catches_a_page_that_reads_the_store():
    graph = {
        "dashboard.views.russia": {"dashboard", "dashboard.queries", "dashboard.store"},
        "dashboard.views.common": {"dashboard.export", "dashboard.views.url_state"},
        "dashboard.views.home": {"dashboard.export"},  # allowed for the toolkit only
    }
    assert outside_the_page_rule(graph) == {
        "dashboard.views.russia": ["dashboard.store"],
        "dashboard.views.home": ["dashboard.export"],
    }
