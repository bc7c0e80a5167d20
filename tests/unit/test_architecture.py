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
