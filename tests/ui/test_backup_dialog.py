"""File → Back up now and File → Restore backup…: back up, change the data, restore, and see the list change back."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from netdesk.services import NetDesk, open_netdesk
from netdesk.ui.backup_dialog import BackupDialog, human_size
from netdesk.ui.contact_table_model import Column
from netdesk.ui.main_window import MainWindow
from tests.ui.conftest import person


def names(window: MainWindow) -> list[str]:
    return sorted(window.model.index(r, Column.NAME).data() for r in range(window.model.rowCount()))


def open_backups(qtbot, window: MainWindow) -> BackupDialog:  # type: ignore[no-untyped-def]
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, BackupDialog) and window.current_dialog.isVisible())
    dialog = window.current_dialog
    assert isinstance(dialog, BackupDialog)
    return dialog


def cell(dialog: BackupDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    return item.text() if item is not None else ""


def test_back_up_then_restore_through_dialog(qtbot, window: MainWindow, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    assert db.backups is not None
    original = names(window)
    window.back_up_now()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Backed up 6 contacts"), timeout=5000)
    assert len(db.backups.list()) == 1

    # Change the data after the backup: one new contact, one deleted.
    added = db.contacts.create(person("Katherine", "Johnson", "NASA")).value
    gone = next(r.id for r in db.contacts.rows() if r.name == "Linus Torvalds")
    window.contacts_changed([added.id or 0])
    window.delete_contacts([gone], "Linus Torvalds")  # undoable: the restore must clear the undo stack
    qtbot.waitUntil(lambda: "Katherine Johnson" in names(window) and "Linus Torvalds" not in names(window))
    assert window.ops.undo_count == 1 and window.nd.contacts.count() == 6

    dialog = open_backups(qtbot, window)
    assert dialog.table.rowCount() == 1
    assert [cell(dialog, 0, c) for c in (1, 2)] == ["Backed up by hand", "6"]
    assert cell(dialog, 0, 3).endswith("KB")
    assert not dialog.restore_button.isEnabled()
    dialog.select_backup(0)
    assert dialog.restore_button.isEnabled()

    # Cancelling the confirmation changes nothing.
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: dialog.confirm_box is not None and dialog.confirm_box.isVisible())
    box = dialog.confirm_box
    assert box is not None
    assert "backed up first" in box.informativeText()
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: dialog.confirm_box is None)
    assert "Katherine Johnson" in names(window) and dialog.table.rowCount() == 1

    dialog.restore_button.click()
    qtbot.waitUntil(lambda: dialog.confirm_box is not None and dialog.confirm_box.isVisible())
    with qtbot.waitSignal(dialog.restored):
        dialog.confirm_box.button(QMessageBox.StandardButton.Yes).click()

    # The list changes back to the backed-up contacts, read from the restored database.
    qtbot.waitUntil(lambda: names(window) == original, timeout=5000)
    assert window.model.total == 6 and window.ops.undo_count == 0
    assert "Backup restored" in window.statusBar().currentMessage()
    # The state that was replaced is itself a backup now, listed first.
    assert dialog.table.rowCount() == 2
    assert [cell(dialog, 0, c) for c in (1, 2)] == ["Before a restore", "6"]
    assert "previous state was saved" in dialog.status_label.text()
    # A fresh connection sees the restored data too.
    assert db.path is not None
    reopened = open_netdesk(db.path)
    try:
        assert sorted(r.name for r in reopened.contacts.rows()) == original
    finally:
        reopened.close()
    dialog.accept()
    assert window.current_dialog is None


def test_back_up_now_button_in_dialog_adds_a_row(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    dialog = open_backups(qtbot, window)
    assert dialog.table.rowCount() == 0
    dialog.backup_button.click()
    assert dialog.table.rowCount() == 1
    assert dialog.status_label.text() == "Backed up 6 contacts."


def test_in_memory_database_has_no_backup_actions(qtbot, settings_path) -> None:  # type: ignore[no-untyped-def]
    nd = open_netdesk(":memory:")
    window = MainWindow(nd, QSettings(str(settings_path), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    try:
        assert not window.backup_action.isEnabled() and not window.restore_action.isEnabled()
        window.show_backups()
        assert window.current_dialog is None
    finally:
        window.tasks.close()
        nd.close()


def test_human_size() -> None:
    assert [human_size(n) for n in (512, 2048, 5 * 1024 * 1024)] == ["512 bytes", "2.0 KB", "5.0 MB"]
