"""The core never imports Qt, and the UI never reaches past the services."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "netdesk"
CORE_PACKAGES = ("core", "db", "io", "services", "sync")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(*subpackages: str) -> list[Path]:
    return sorted(p for sub in subpackages for p in (PACKAGE / sub).rglob("*.py"))


@pytest.mark.parametrize("path", _modules(*CORE_PACKAGES), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_modules_do_not_import_qt(path: Path) -> None:
    qt = {n for n in _imports(path) if n.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph"}}
    assert not qt, f"{path} imports {qt}"


@pytest.mark.parametrize("path", _modules("ui"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_ui_reaches_the_database_and_files_only_through_services(path: Path) -> None:
    bad = {n for n in _imports(path) if n.startswith(("netdesk.db", "netdesk.io", "sqlalchemy"))}
    assert not bad, f"{path} imports {bad}"


def test_importing_the_core_does_not_load_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys, netdesk.services, netdesk.cli, netdesk.core.merge, netdesk.services.importing;"
        "print([m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- no import cycles ------------------------------------------------------------------------------------------


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports anywhere (TYPE_CHECKING blocks and functions included)."""
    paths = {_module_name(root, p): p for p in root.rglob("*.py") if "versions" not in p.parts}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name in paths)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    edges.add(target if target in paths else base)
        graph[name] = {e for e in edges if e in paths and e != name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def test_netdesk_has_no_import_cycles() -> None:
    graph = import_graph(PACKAGE)
    assert "netdesk.ui.navigation" in graph["netdesk.ui.main_window"]  # the graph sees real imports
    assert "netdesk.services.linkedin_import" in graph["netdesk.services.importing"]
    assert import_cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_through_a_type_checking_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "ui").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "ui" / "__init__.py").write_text("")
    (package / "ui" / "window.py").write_text("from pkg.ui.pages import Pages\n")
    (package / "ui" / "pages.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .window import Window\n"
    )
    (package / "ui" / "alone.py").write_text("import pkg.ui.pages\n")
    assert import_cycles(import_graph(package)) == [["pkg.ui.pages", "pkg.ui.window"]]


def test_controllers_do_not_import_the_window() -> None:
    graph = import_graph(PACKAGE)
    for name, edges in graph.items():
        if name.startswith("netdesk.ui.controllers"):
            assert "netdesk.ui.main_window" not in edges, name
