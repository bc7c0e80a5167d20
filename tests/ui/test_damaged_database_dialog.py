"""The GUI start on a damaged database: a dialog says why and offers the newest sound backup, another database, or
quitting; restoring puts the backup in place and keeps the damaged file aside."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from netdesk.core.errors import DamagedDatabaseError
from netdesk.core.model import ContactDTO
from netdesk.services import open_netdesk
from netdesk.ui import damaged_database
from netdesk.ui.damaged_database import OpenFailureDialog, open_or_recover


def _damaged_with_backups(tmp_path: Path) -> tuple[Path, Path]:
    """A database with two backups, the newer of them byte-flipped; then the database itself damaged."""
    db = tmp_path / "netdesk.sqlite3"
    nd = open_netdesk(db)
    assert nd.backups is not None
    nd.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace"))
    nd.contacts.create(ContactDTO(given_name="Grace", family_name="Hopper"))
    sound = nd.backups.create("manual").path
    nd.contacts.create(ContactDTO(given_name="Edsger", family_name="Dijkstra"))
    bad = nd.backups.create("manual").path
    nd.close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in (bad, db):
        data = bytearray(path.read_bytes())
        data[4096 * 2 : 4096 * 2 + 8] = b"\xff" * 8  # page 3's b-tree header
        path.write_bytes(bytes(data))
    return db, sound


def _click_when_shown(button_name: str) -> None:
    def click() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, OpenFailureDialog) and widget.isVisible():
                button = widget.findChild(object, button_name)
                assert button is not None, f"no {button_name} in the dialog"
                button.click()
                return
        QTimer.singleShot(20, click)

    QTimer.singleShot(0, click)


def test_restore_the_newest_sound_backup_from_the_dialog(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    db, _sound = _damaged_with_backups(tmp_path)
    seen: list[OpenFailureDialog] = []
    original_exec = OpenFailureDialog.exec

    def exec_and_remember(self: OpenFailureDialog) -> int:
        seen.append(self)
        return original_exec(self)

    monkeypatch.setattr(OpenFailureDialog, "exec", exec_and_remember)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    _click_when_shown("restoreBackupButton")
    nd = open_or_recover(db)
    assert nd is not None
    try:
        assert sorted(r.name for r in nd.contacts.rows()) == ["Ada Lovelace", "Grace Hopper"]
    finally:
        nd.close()
    dialog = seen[0]
    assert "is damaged" in dialog.informativeText()
    assert dialog.restore_button is not None  # offered: the older, sound backup, not the flipped newer one
    assert "(2 contacts)" in dialog.restore_button.text()
    assert [p.name for p in tmp_path.iterdir() if ".damaged-" in p.name]


def test_quit_leaves_the_damaged_file_as_it_was(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, _ = _damaged_with_backups(tmp_path)
    before = db.read_bytes()
    _click_when_shown("quitButton")
    assert open_or_recover(db) is None
    assert db.read_bytes() == before


def test_without_a_backup_only_open_another_and_quit_are_offered(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "netdesk.sqlite3"
    empty.write_bytes(b"")
    error = DamagedDatabaseError("empty", empty)
    dialog = OpenFailureDialog(empty, error, damaged_database.sound_backup_for(empty, error))
    assert dialog.restore_button is None
    assert dialog.open_button.text().startswith("Open another") and dialog.quit_button.text() == "Quit"
    dialog.deleteLater()


def test_the_daily_check_warns_and_stops_writes_while_the_app_runs(qtbot, window, db) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    from netdesk.ui.tray import TrayController

    assert db.path is not None
    db.engine.dispose()
    with sqlite3.connect(db.path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (page,) = conn.execute("SELECT pageno FROM dbstat WHERE name = 'ix_contacts_sort_key' LIMIT 1").fetchone()
    conn.close()
    data = bytearray(db.path.read_bytes())
    at = data.find(b"lovelace", (page - 1) * 4096, page * 4096)
    assert at > 0
    data[at : at + 8] = b"lovelacf"  # an index key no longer matches its row: only integrity_check sees it
    db.path.write_bytes(bytes(data))

    tray = TrayController(window, notifier=lambda n: True, today=lambda: date.today() + timedelta(days=1), start=False)
    tray.check()

    def warning() -> QMessageBox | None:
        found = window.findChild(QMessageBox, "damageWarning")
        return found if found is not None and found.isVisible() else None

    qtbot.waitUntil(lambda: warning() is not None, timeout=10_000)
    box = warning()
    assert box is not None and "is damaged" in box.text() and "missing from index" in box.text()
    assert db.writes_refused
    box.close()
