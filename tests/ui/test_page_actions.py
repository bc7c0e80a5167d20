"""Actions follow the page: Edit and Delete act on what the page shown has selected, and no click can fail."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton
from window_helpers import close_popups, settle

from netdesk.core.model import InteractionDTO, InteractionKind, Participant
from netdesk.services import NetDesk
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View
from netdesk.ui.page_actions import build_menu

SKIPPED = {"quitAction"}  # closes the window under test


def trigger_everything(qtbot, window: MainWindow, view: View) -> list[str]:  # type: ignore[no-untyped-def]
    """Every enabled window action, then every enabled button on the page, with nothing selected."""
    errors: list[str] = []
    actions = [a for a in window.findChildren(QAction) if a.objectName() and a.objectName() not in SKIPPED]
    for action in actions:
        window.navigation.show_view(view)
        window.table.clearSelection()
        page = window.navigation.current_page()
        if hasattr(page, "confirm"):
            page.confirm = lambda _text: False  # type: ignore[attr-defined]  # answer No: nothing blocks
        if action.isEnabled() and action.isVisible():
            action.trigger()
            qtbot.wait(5)
            errors += close_popups(window)
    clicked = 0
    while clicked < 40:  # pages rebuild their rows after a write: look the buttons up again after each click
        window.navigation.show_view(view)
        page = window.navigation.current_page()
        if hasattr(page, "confirm"):
            page.confirm = lambda _text: False  # type: ignore[attr-defined]  # answer No: nothing blocks
        buttons = [b for b in page.findChildren(QPushButton) if b.isEnabled() and b.isVisibleTo(page)]
        if clicked >= len(buttons):
            break
        buttons[clicked].click()
        clicked += 1
        qtbot.wait(5)
        errors += close_popups(window)
    return errors


@pytest.mark.parametrize("view", list(View))
def test_every_enabled_action_on_an_empty_database_is_safe(
    qtbot, make_window: Callable[..., MainWindow], view: View
) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    assert trigger_everything(qtbot, window, view) == []  # pytest-qt fails the test on any exception in a slot


def test_with_nothing_selected_edit_and_delete_are_off_on_every_page(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int]
) -> None:
    for view in View:
        window.navigation.show_view(view)
        window.table.clearSelection()
        window.sync_actions()
        assert not window.delete_action.isEnabled(), view
        if view is not View.CONTACTS:
            assert not window.edit_action.isEnabled(), view


def test_delete_on_the_timeline_deletes_the_interaction_not_a_contact(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:
    ada = sample["Ada Lovelace"]
    from datetime import datetime

    db.timeline.log(
        InteractionDTO(
            occurred_at=datetime(2025, 3, 1, 9),
            kind=InteractionKind.CALL,
            summary="Call",
            participants=(Participant(ada),),
        )
    )
    window.select_contact(ada)  # a contact is selected on the Contacts page: Delete there would trash her
    window.navigation.show_view(View.TIMELINE)
    page = window.navigation.current_page()
    assert not window.delete_action.isEnabled()
    page.table.selectionModel().select(  # type: ignore[attr-defined]
        page.table.model().index(0, 0),  # type: ignore[attr-defined]
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert window.delete_action.isEnabled() and window.delete_action.text() == "&Delete interaction"
    assert window.edit_action.text() == "&Edit interaction…"
    page.confirm = lambda _text: True  # type: ignore[attr-defined]
    window.delete_action.trigger()
    settle(qtbot, window)
    assert db.timeline.for_contact(ada) == []
    assert db.contacts.get(ada).id == ada and db.contacts.trash() == []
    assert window.ops.undo_label == "delete log with Ada Lovelace"
    window.ops.undo()
    settle(qtbot, window)
    assert [i.summary for i in db.timeline.for_contact(ada)] == ["Call"]


def test_context_menus_offer_what_the_page_can_do(qtbot, window: MainWindow, sample: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    window.select_contact(sample["Grace Hopper"])
    menu = build_menu(window, window.page_actions())
    entries = {a.text(): a.isEnabled() for a in menu.actions()}
    assert entries == {
        "Open": True,
        "Edit contact…": True,
        "Delete contact": True,
        "Log interaction…": True,
        "Merge contacts…": False,
        "Star": True,
    }
    window.table.clearSelection()
    empty = {a.text(): a.isEnabled() for a in build_menu(window, window.page_actions()).actions()}
    assert not any(empty.values())


def test_f2_edits_and_enter_opens_the_selected_contact(qtbot, window: MainWindow, sample: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    from netdesk.ui.contact_dialog import ContactDialog

    window.select_contact(sample["Alan Turing"])
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ContactDialog))
    assert window.current_dialog is not None and "Alan Turing" in window.current_dialog.windowTitle()
    window.current_dialog.reject()
    qtbot.waitUntil(lambda: window.current_dialog is None)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ContactDialog))
    window.current_dialog.reject()


@pytest.mark.parametrize(
    "view", [View.CONTACTS, View.DUE, View.TIMELINE, View.GOALS, View.INTRODUCTIONS, View.DASHBOARD]
)
def test_every_enabled_action_with_data_and_nothing_selected_is_safe(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk, view: View
) -> None:
    from datetime import datetime

    ada = sample["Ada Lovelace"]
    db.networking.set_contact_cadence(ada, 7)
    db.networking.create_goal("Find a co-founder")
    db.timeline.log(
        InteractionDTO(
            occurred_at=datetime(2024, 1, 1, 9),
            kind=InteractionKind.FAVOUR_GIVEN,
            summary="Promised an intro",
            participants=(Participant(ada),),
            is_open=True,
        )
    )
    window.navigation._everything_changed()
    assert trigger_everything(qtbot, window, view) == []
