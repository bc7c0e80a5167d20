"""`netdesk --smoke-test` starts the real app (QApplication, run_gui, main window) and exits 0 once loaded.

It runs in a subprocess: QApplication.exec()/quit() inside the test process would disturb pytest-qt's app.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from netdesk.core.model import ContactDTO
from netdesk.services import open_netdesk

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_app(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path))
    return subprocess.run(
        [sys.executable, "-m", "netdesk", *args], capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=120
    )


def test_smoke_test_run_returns_zero_and_keeps_settings_private(tmp_path: Path) -> None:
    db_path = tmp_path / "smoke.sqlite3"
    nd = open_netdesk(db_path)
    nd.contacts.create(ContactDTO(given_name="Smoke", family_name="Test"))
    nd.close()
    result = run_app(tmp_path, "--db", str(db_path), "--smoke-test")
    assert result.returncode == 0, result.stderr
    # The window saved its geometry where the (redirected) user configuration lives.
    assert list((tmp_path / "config").rglob("NetDesk*")), "settings were not written"


def test_smoke_test_imports_files_given_on_the_command_line(tmp_path: Path) -> None:
    card = tmp_path / "one.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Vera Card\r\nN:Card;Vera;;;\r\nEND:VCARD\r\n")
    db_path = tmp_path / "import.sqlite3"
    result = run_app(tmp_path, "--db", str(db_path), "--smoke-test", str(card))
    assert result.returncode == 0, result.stderr
    nd = open_netdesk(db_path)
    try:
        assert [r.name for r in nd.contacts.rows()] == ["Vera Card"]
    finally:
        nd.close()
