"""A keyboard-only user: Ctrl+F, type, Enter or Down into the results, Enter edits, Tab walks every form to its
buttons, Esc closes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPlainTextEdit
from window_helpers import settle

from netdesk.ui.contact_dialog import ContactDialog
from netdesk.ui.contact_table_model import Column
from netdesk.ui.interaction_dialog import InteractionDialog
from netdesk.ui.main_window import MainWindow


def names(window: MainWindow) -> list[str]:
    return [window.model.index(r, Column.NAME).data() for r in range(window.model.rowCount())]


def focused() -> object:
    return QApplication.focusWidget()


def search(qtbot, window: MainWindow, text: str) -> None:  # type: ignore[no-untyped-def]
    window.list_search.forget()  # as on a large database before the in-memory index is built: a worker answers
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_edit.hasFocus()
    qtbot.keyClicks(window.search_edit, text)


def test_enter_typed_at_once_after_the_search_opens_the_first_match(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int]
) -> None:
    grace = sample["Grace Hopper"]
    search(qtbot, window, "hop")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)  # before the search has answered
    qtbot.waitUntil(lambda: names(window) == ["Grace Hopper"] and window.selected_id() == grace)
    assert window.table.hasFocus()
    qtbot.waitUntil(lambda: "Grace Hopper" in window.detail.text())
    settle(qtbot, window)
    assert window.selected_id() == grace  # the first row of the old list (Ada) is not what stays selected

    qtbot.keyClick(window.table, Qt.Key.Key_Return)  # Enter edits her
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ContactDialog))
    dialog = window.current_dialog
    assert isinstance(dialog, ContactDialog) and dialog.given_edit.text() == "Grace"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.current_dialog is None)


def test_down_in_the_search_box_goes_to_the_results(qtbot, window: MainWindow, sample: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    search(qtbot, window, "a")
    qtbot.waitUntil(lambda: window.model.shown == 5)  # everyone with an "a" but Linus
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Down)
    assert window.table.hasFocus()
    assert window.selected_id() == window.model.contact_id(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert window.selected_id() == window.model.contact_id(1)


def tab_until_buttons(qtbot, dialog, notes: QPlainTextEdit, buttons: QDialogButtonBox) -> None:  # type: ignore[no-untyped-def]
    """Tab from the notes field: the focus goes on towards the dialog's buttons, no tab character is typed."""
    notes.setFocus()
    qtbot.waitUntil(notes.hasFocus)
    before = notes.toPlainText()
    seen = []
    for _ in range(6):
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        seen.append(focused())
        if buttons.isAncestorOf(focused()):  # type: ignore[arg-type]
            break
    assert notes.toPlainText() == before
    assert any(buttons.isAncestorOf(w) for w in seen), [getattr(w, "objectName", lambda: "")() for w in seen]


def edit_by_keyboard(qtbot, window: MainWindow, contact_id: int) -> ContactDialog:  # type: ignore[no-untyped-def]
    """The contact's dialog, opened as a keyboard user does: Enter on its row in the list."""
    window.select_contact(contact_id)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ContactDialog))
    dialog = window.current_dialog
    assert isinstance(dialog, ContactDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_tab_leaves_the_notes_of_the_contact_dialog(qtbot, window: MainWindow, sample: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    dialog = edit_by_keyboard(qtbot, window, sample["Ada Lovelace"])
    tab_until_buttons(qtbot, dialog, dialog.notes_edit, dialog.save_button.parentWidget())
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.current_dialog is None)


def test_tab_leaves_the_notes_of_the_log_dialog(qtbot, window: MainWindow, sample: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    window.select_contact(sample["Ada Lovelace"])
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, InteractionDialog))
    dialog = window.current_dialog
    assert isinstance(dialog, InteractionDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    tab_until_buttons(qtbot, dialog, dialog.notes_edit, buttons)
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.current_dialog is None)


def test_tab_goes_through_an_added_phone_row_in_place(qtbot, window: MainWindow, sample: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    dialog = edit_by_keyboard(qtbot, window, sample["Ada Lovelace"])
    phones = dialog.phones_editor
    phones.add_button.setFocus()
    qtbot.keyClick(phones.add_button, Qt.Key.Key_Space)  # "Add phone" from the keyboard: the new number has the focus
    row = phones.rows[-1]
    qtbot.waitUntil(lambda: row.value_edit.isVisible() and row.value_edit.hasFocus())
    qtbot.keyClicks(row.value_edit, "+44 20 7946 0002")
    walked = []
    for _ in range(4):  # the row's other fields, then on under it, not off to Save, Cancel and the top of the form
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        walked.append(focused())
        if not row.isAncestorOf(focused()):  # type: ignore[arg-type]
            break
    assert walked[-1] is phones.add_button, [w.objectName() for w in walked]  # type: ignore[attr-defined]
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is dialog.urls_editor.add_button
    # Emails read from the card: their fields come before "Add email", as they are shown.
    email = dialog.emails_editor.rows[0]
    dialog.title_edit.setFocus()
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Tab)
    assert email.isAncestorOf(focused())  # type: ignore[arg-type]
