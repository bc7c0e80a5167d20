"""`netdesk --smoke-test` starts the real app (QApplication, run_gui, main window) and exits 0 once loaded.

It runs in a subprocess: QApplication.exec()/quit() inside the test process would disturb pytest-qt's app.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from netdesk.core.model import ContactDTO
from netdesk.services import NetDesk, open_netdesk
from netdesk.settings import KEY_LAST_DATABASE
from netdesk.ui.application import database_to_open
from netdesk.ui.main_window import MainWindow

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


# --- which database opens, and switching databases from the File menu ------------------------------------------


def test_a_plain_start_reopens_the_database_used_last(tmp_path: Path) -> None:
    remembered = tmp_path / "elsewhere" / "remembered.sqlite3"
    remembered.parent.mkdir()
    open_netdesk(remembered).close()
    config = tmp_path / "config" / "NetDesk"
    config.mkdir(parents=True)
    (config / "NetDesk.conf").write_text(f"[database]\nlast={remembered}\n")
    card = tmp_path / "one.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Vera Card\r\nN:Card;Vera;;;\r\nEND:VCARD\r\n")
    env_without_db = {k: v for k, v in os.environ.items() if k != "NETDESK_DB"}
    env = dict(env_without_db, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    result = subprocess.run(
        [sys.executable, "-m", "netdesk", "--smoke-test", str(card)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    nd = open_netdesk(remembered)
    try:
        assert [r.name for r in nd.contacts.rows()] == ["Vera Card"]
    finally:
        nd.close()
    assert not list((tmp_path / "data").rglob("*.sqlite3")), "the default database was opened instead"


def test_database_to_open_prefers_db_then_environment_then_last_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp
) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    last = tmp_path / "last.sqlite3"
    last.write_bytes(b"")
    settings.setValue(KEY_LAST_DATABASE, str(last))
    monkeypatch.delenv("NETDESK_DB", raising=False)
    assert database_to_open(tmp_path / "given.sqlite3", settings) == tmp_path / "given.sqlite3"
    assert database_to_open(None, settings) == last
    monkeypatch.setenv("NETDESK_DB", str(tmp_path / "env.sqlite3"))
    assert database_to_open(None, settings) == tmp_path / "env.sqlite3"
    monkeypatch.delenv("NETDESK_DB")
    last.unlink()  # a remembered database that is gone is not recreated empty
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert database_to_open(None, settings) != last


def choose_in_file_dialog(qtbot, window: MainWindow, action: QAction, target: Path) -> None:  # type: ignore[no-untyped-def]
    action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, QFileDialog) and window.current_dialog.isVisible())
    chooser = window.current_dialog
    assert isinstance(chooser, QFileDialog)
    chooser.selectFile(str(target))
    chooser.accept()


def test_open_database_from_the_file_menu_switches_the_window(  # type: ignore[no-untyped-def]
    qtbot, make_window, tmp_path: Path
) -> None:
    window = make_window()
    other = tmp_path / "other.sqlite3"
    nd = open_netdesk(other)
    nd.contacts.create(ContactDTO(given_name="Olga", family_name="Other"))
    nd.close()
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    assert window.open_database_action in file_menu.actions() and window.new_database_action in file_menu.actions()

    with qtbot.waitSignal(window.database_changed) as changed:
        choose_in_file_dialog(qtbot, window, window.open_database_action, other)
    assert changed.args == [other]
    qtbot.waitUntil(lambda: window.loaded and window.model.total == 1)
    assert window.nd.path == other
    assert window.model.all_rows()[0].name == "Olga Other"
    assert "other.sqlite3" in window.windowTitle()
    assert window.settings.value(KEY_LAST_DATABASE) == str(other)
    assert not window.ops.can_undo
    qtbot.waitUntil(lambda: window.tasks.pending == 0)


def test_new_database_from_the_file_menu_starts_empty(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fresh = tmp_path / "fresh.sqlite3"
    with qtbot.waitSignal(window.database_changed):
        choose_in_file_dialog(qtbot, window, window.new_database_action, fresh)
    qtbot.waitUntil(lambda: window.loaded and window.tasks.pending == 0)
    assert fresh.is_file() and window.nd.path == fresh
    assert window.model.total == 0 and window.count_label.text() == "0 shown / 0 total"
    assert window.backup_action.isEnabled()


def test_a_database_from_a_newer_netdesk_is_refused_with_a_message(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk, tmp_path: Path
) -> None:
    newer = tmp_path / "newer.sqlite3"
    open_netdesk(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00dfeedbeef'")
    conn.close()
    not_a_database = tmp_path / "<b>notes.sqlite3"  # a file name is user text too
    not_a_database.write_text("just some text, not SQLite\n" * 100)

    for target, expected in ((newer, "newer version of NetDesk"), (not_a_database, "not a NetDesk database")):
        choose_in_file_dialog(qtbot, window, window.open_database_action, target)
        qtbot.waitUntil(lambda: isinstance(window.current_dialog, QMessageBox))
        box = window.current_dialog
        assert isinstance(box, QMessageBox) and box.objectName() == "openDatabaseFailedBox"
        assert expected in box.informativeText()
        assert all(label.textFormat() == Qt.TextFormat.PlainText for label in box.findChildren(QLabel) if label.text())
        box.accept()
        qtbot.waitUntil(lambda: window.current_dialog is None)
        assert window.nd is db and window.model.total == 6  # still on the database it had
