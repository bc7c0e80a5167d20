"""Google's star in the window: star from the list's menu or the detail pane, the rail's Starred filter, undo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QListWidgetItem, QMenu

from netdesk.io.vcard import parse_card, split_cards
from netdesk.services import NetDesk
from netdesk.ui.contact_table_model import Column
from netdesk.ui.main_window import MainWindow


def names(window: MainWindow) -> list[str]:
    return [window.model.index(r, Column.NAME).data() for r in range(window.model.rowCount())]


def rail_item(window: MainWindow, prefix: str) -> QListWidgetItem:
    return next(
        window.tag_list.item(i)
        for i in range(window.tag_list.count())
        if window.tag_list.item(i).text().startswith(prefix)
    )


def click_rail(qtbot, window: MainWindow, prefix: str) -> None:  # type: ignore[no-untyped-def]
    rect = window.tag_list.visualItemRect(rail_item(window, prefix))
    qtbot.mouseClick(window.tag_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def context_menu_entry(qtbot, window: MainWindow, contact_id: int, text: str):  # type: ignore[no-untyped-def]
    """Right-click the contact's row (the view's own handler builds the menu) and return the entry ``text``."""
    index = window.model.index(window.model.row_of(contact_id) or 0, Column.NAME)
    window.table.customContextMenuRequested.emit(window.table.visualRect(index).center())
    qtbot.waitUntil(lambda: any(isinstance(w, QMenu) and w.isVisible() for w in QApplication.topLevelWidgets()))
    menu = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible())
    return menu, next(a for a in menu.actions() if a.text() == text)


def test_star_from_the_list_filter_by_it_and_undo(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:
    grace = sample["Grace Hopper"]
    assert rail_item(window, "Starred").text() == "Starred  (0)"  # findable before the first star
    window.select_contact(grace)
    menu, star = context_menu_entry(qtbot, window, grace, "Star")
    assert star.isEnabled()
    star.trigger()
    menu.close()
    qtbot.waitUntil(lambda: rail_item(window, "Starred").text() == "Starred  (1)")
    assert "★ Grace Hopper" in names(window)
    assert db.contacts.get(grace).starred
    assert window.ops.undo_label == "star Grace Hopper"
    # The pane follows what is stored.
    qtbot.waitUntil(lambda: window.detail.star_button.isChecked() and window.detail.star_button.text() == "Starred")

    click_rail(qtbot, window, "Starred")
    qtbot.waitUntil(lambda: names(window) == ["★ Grace Hopper"])
    assert window.count_label.text() == "1 shown / 6 total"
    # A search within the starred: nothing else matches "hop", and "ada" matches no starred contact.
    window.search_edit.setText("ada")
    window.run_search()
    qtbot.waitUntil(lambda: names(window) == [])
    window.search_edit.clear()
    window.run_search()
    qtbot.waitUntil(lambda: names(window) == ["★ Grace Hopper"])
    # The export offers the Starred list as its filter scope.
    scope = next(s for s in window.export_scopes() if s.key == "filter")
    assert (scope.label, scope.count, tuple(scope.ids or ())) == ("Starred contacts", 1, (grace,))

    # Undo takes the star back, and the Starred list empties at once.
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: names(window) == [] and rail_item(window, "Starred").text() == "Starred  (0)")
    assert not db.contacts.get(grace).starred
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: names(window) == ["★ Grace Hopper"])

    # Unstar from the menu while the Starred filter is on: the row leaves the list.
    window.select_contact(grace)
    menu, unstar = context_menu_entry(qtbot, window, grace, "Unstar")
    unstar.trigger()
    menu.close()
    qtbot.waitUntil(lambda: names(window) == [] and window.count_label.text() == "0 shown / 6 total")
    click_rail(qtbot, window, "All contacts")
    qtbot.waitUntil(lambda: window.model.shown == 6)
    assert "Grace Hopper" in names(window)


def test_star_from_the_detail_pane(qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    alan = sample["Alan Turing"]
    window.select_contact(alan)
    button = window.detail.star_button
    qtbot.waitUntil(lambda: window.detail.contact is not None and window.detail.contact.id == alan)
    assert button.isEnabled() and not button.isChecked() and button.text() == "Star"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: button.isChecked() and button.text() == "Starred")
    assert db.contacts.get(alan).starred and "★ Alan Turing" in names(window)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not button.isChecked() and button.text() == "Star")
    assert not db.contacts.get(alan).starred and "Alan Turing" in names(window)


def test_a_star_set_in_the_window_is_exported_as_google_writes_it(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk, tmp_path: Path
) -> None:
    ada = sample["Ada Lovelace"]
    window.select_contact(ada)
    menu, star = context_menu_entry(qtbot, window, ada, "Star")
    star.trigger()
    menu.close()
    qtbot.waitUntil(lambda: db.contacts.get(ada).starred)
    target = tmp_path / "out.vcf"
    db.exports.export("vcard3", target, ids=[ada])
    text = target.read_bytes().decode("utf-8")
    assert "CATEGORIES:starred,alumni,mentor\r\n" in text
    ((_line, card),) = split_cards(text)
    again = parse_card(card)
    assert again.starred and again.tags == ("alumni", "mentor")


def test_a_google_export_imported_in_the_window_fills_the_starred_list(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    google = tmp_path / "contacts.vcf"
    google.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Katherine Johnson\r\nN:Johnson;Katherine;;;\r\n"
        "item1.EMAIL;TYPE=INTERNET:kj@nasa.example\r\nitem1.X-ABLabel:\r\nCATEGORIES:myContacts,starred\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dorothy Vaughan\r\nN:Vaughan;Dorothy;;;\r\n"
        "CATEGORIES:myContacts\r\nEND:VCARD\r\n"
    )
    window.import_files([google])
    qtbot.waitUntil(lambda: {"★ Katherine Johnson", "Dorothy Vaughan"} <= set(names(window)), timeout=10000)
    qtbot.waitUntil(lambda: rail_item(window, "Starred").text() == "Starred  (1)")
    # Google's system groups are no tags: the rail lists none of them.
    assert not any(window.tag_list.item(i).text().startswith("myContacts") for i in range(window.tag_list.count()))
    click_rail(qtbot, window, "Starred")
    qtbot.waitUntil(lambda: names(window) == ["★ Katherine Johnson"])
