"""The service tier's layout, checked from its source: no import circles, and each capability's
storage reached only through its service (hermetic: reads files, imports nothing of api/ but the app)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
API = ROOT / "api"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(API.rglob("*.py")) if "migrations" not in p.parts}


def import_graph() -> dict[str, set[str]]:
    """Module -> the api modules it imports anywhere in its file: at the top, inside functions and
    under TYPE_CHECKING alike (an import moved into a function still makes a circle)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from api.x import y`: y is a module of its own, or a name defined in api.x.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                # `import api.a.b` runs api/a/__init__.py too, but a package's __init__ here is a docstring.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle (its modules in order, the first repeated at the end), or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def test_the_cycle_finder_finds_a_circle_and_accepts_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_the_graph_sees_imports_inside_functions_and_under_type_checking():
    graph = import_graph()
    assert "api.config" in graph["api.ratelimit"]  # under TYPE_CHECKING
    assert "api.rasa_client" in graph["api.privacy.service"]  # inside run_retention and export


def test_no_module_of_the_service_tier_imports_itself_back():
    cycle = find_cycle(import_graph())
    assert cycle == [], "import circle: " + " -> ".join(cycle)


def test_only_the_conversations_package_reads_its_models():
    """Others go through api.conversations.service; api/tables.py only registers the tables for Alembic."""
    readers = sorted(
        name
        for name, targets in import_graph().items()
        if "api.conversations.models" in targets and not name.startswith("api.conversations.") and name != "api.tables"
    )
    assert readers == []


def test_alembic_sees_every_package_with_models():
    """A package whose models api/tables.py forgot would look like dropped tables to `alembic check`."""
    with_models = {_module_name(p) for p in API.glob("*/models.py")}
    assert with_models <= import_graph()["api.tables"]


def test_the_conversations_resource_is_served_by_one_router():
    from api.main import create_app

    # Included routers keep their own routes (with the router's prefix in each path).
    routes = [
        r for entry in create_app().routes for r in getattr(getattr(entry, "original_router", None), "routes", [entry])
    ]
    owners = {r.endpoint.__module__ for r in routes if getattr(r, "path", "").startswith("/api/conversations")}
    assert owners == {"api.conversations.router"}
