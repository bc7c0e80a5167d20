"""Merging duplicates from the GUI: Edit → Merge contacts… (Ctrl+M), and Ctrl+Z gives them back."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QInputDialog

from netdesk.core.model import ContactDTO, ContactPoint
from netdesk.services import NetDesk
from netdesk.ui.contact_table_model import Column
from netdesk.ui.main_window import MainWindow


def names(window: MainWindow) -> list[str]:
    return [window.model.index(r, Column.NAME).data() for r in range(window.model.rowCount())]


def test_merge_two_selected_contacts_and_undo(qtbot, make_window, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    rob = db.contacts.create(
        ContactDTO(given_name="Robert", family_name="Smith", emails=(ContactPoint("r@x.org"),))
    ).value
    bob = db.contacts.create(
        ContactDTO(given_name="Bob", family_name="Smith", phones=(ContactPoint("+1 617 555 0100"),))
    ).value
    db.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace"))
    window = make_window()
    assert not window.merge_action.isEnabled()
    selection = window.table.selectionModel()
    for cid in (rob.id, bob.id):
        row = window.model.row_of(cid)
        selection.select(
            window.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    qtbot.waitUntil(window.merge_action.isEnabled)

    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, QInputDialog))
    dialog = window.current_dialog
    assert isinstance(dialog, QInputDialog)
    assert sorted(dialog.comboBoxItems()) == ["Bob Smith", "Robert Smith"]
    dialog.setTextValue("Robert Smith")
    dialog.accept()

    qtbot.waitUntil(lambda: "Bob Smith" not in names(window))
    kept = db.contacts.get(rob.id)  # type: ignore[arg-type]
    assert [p.value for p in kept.phones] == ["+1 617 555 0100"]
    assert window.selected_id() == rob.id

    window.activateWindow()  # offscreen Qt does not hand activation back after the merge dialog closes
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Bob Smith" in names(window))
    assert db.contacts.get(rob.id).phones == ()  # type: ignore[arg-type]
    assert db.contacts.trash() == []
