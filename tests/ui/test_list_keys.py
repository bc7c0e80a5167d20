"""Every list outside the practice pages follows the page's actions too: a right-click menu for what is selected,
Enter (or a double click) opens the person, F2 edits and the keyboard reaches a Due item's buttons."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu, QWidget
from window_helpers import settle

from netdesk.core.model import InteractionDTO, InteractionKind, Participant
from netdesk.services import NetDesk
from netdesk.ui.interaction_dialog import InteractionDialog
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View
from netdesk.ui.views.due_view import DueView
from netdesk.ui.views.goals_view import GoalsView
from netdesk.ui.views.introductions_view import IntroductionsView
from netdesk.ui.views.timeline_view import TimelineView


def right_click(qtbot, widget: QWidget, pos: QPoint | None = None) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """The context menu a right-click at ``pos`` opens (its entries and whether each is enabled); closed again."""
    widget.customContextMenuRequested.emit(pos if pos is not None else QPoint(4, 4))
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    entries = {a.text(): a.isEnabled() for a in menu.actions()}
    menu.close()
    return entries


def row_center(view: QAbstractItemView, row: int = 0) -> QPoint:
    model = view.model()
    assert model is not None
    return view.visualRect(model.index(row, 0)).center()


def shows(window: MainWindow, contact_id: int) -> bool:
    return window.navigation.current is View.CONTACTS and window.selected_id() == contact_id


def log(db: NetDesk, days_ago: int, *people: int) -> None:
    db.timeline.log(
        InteractionDTO(
            occurred_at=datetime.now() - timedelta(days=days_ago),
            kind=InteractionKind.MEETING,
            summary="Coffee",
            participants=tuple(Participant(p) for p in people),
        )
    )


def test_timeline_menu_enter_and_f2(qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    ada = sample["Ada Lovelace"]
    log(db, 3, ada)
    window.navigation.show_view(View.TIMELINE)
    page = window.navigation.current_page()
    assert isinstance(page, TimelineView)
    page.table.clearSelection()
    assert right_click(qtbot, page.table, QPoint(4, 200)) == {
        "Edit interaction…": False,
        "Delete interaction": False,
    }
    assert right_click(qtbot, page.table, row_center(page.table)) == {  # right-click selects the row it points at
        "Open": True,
        "Edit interaction…": True,
        "Delete interaction": True,
    }
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, InteractionDialog))
    assert page.active_dialog is not None
    page.active_dialog.reject()
    window.activateWindow()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shows(window, ada))


def test_introduction_paths_menu_and_enter(qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    ada, grace = sample["Ada Lovelace"], sample["Grace Hopper"]
    db.networking.add_relationship(ada, grace, "colleague")
    log(db, 3, ada)  # you are in touch with Ada: she is a way to Grace
    window.navigation.show_introductions(grace)
    page = window.navigation.current_page()
    assert isinstance(page, IntroductionsView) and page.model.rowCount() >= 1
    assert right_click(qtbot, page.table, row_center(page.table)) == {"Open": True, "Edit…": False, "Delete": False}
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shows(window, page.model.path(0).via_ids[0]))


def test_goals_menus_f2_renames_and_enter_opens_a_linked_person(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:
    ada = sample["Ada Lovelace"]
    goal = db.networking.create_goal("Find a co-founder").value
    db.networking.link_contact(goal.id, ada)
    window.navigation.show_view(View.GOALS)
    page = window.navigation.current_page()
    assert isinstance(page, GoalsView)
    row = [g.goal_id for g in page.overview].index(goal.id)
    goals = page.goal_list
    goals.setFocus()
    assert right_click(qtbot, goals, goals.visualItemRect(goals.item(row)).center()) == {
        "Edit goal…": True,
        "Delete goal": True,
        "Link a person…": True,
    }
    goals.setCurrentRow(row)
    qtbot.keyClick(goals, Qt.Key.Key_F2)
    assert page.name_edit.text() == "Find a co-founder" and page.name_edit.hasFocus()
    people = page.people_list
    people.setFocus()
    people.setCurrentRow(0)
    assert right_click(qtbot, people, people.visualItemRect(people.item(0)).center()) == {
        "Open": True,
        "Edit link…": False,
        "Delete link": True,
        "Link a person…": True,
    }
    people.setFocus()
    qtbot.keyClick(people, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shows(window, ada))


def test_due_items_are_reached_by_keyboard_and_have_a_menu(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:
    ada = sample["Ada Lovelace"]
    db.networking.set_contact_cadence(ada, 7)
    log(db, 30, ada)  # overdue
    window.navigation.show_view(View.DUE)
    page = window.navigation.current_page()
    assert isinstance(page, DueView)
    qtbot.waitUntil(lambda: not page.loading and any(r.item.contact_id == ada for r in page.rows))
    row = next(r for r in page.rows if r.item.contact_id == ada)
    assert page.current_row is not row
    row.title_button.setFocus()  # Tab reaches the item's title: the item is selected, Edit means Ada
    qtbot.waitUntil(lambda: page.current_row is row)
    window.sync_actions()
    assert window.edit_action.isEnabled() and not window.delete_action.isEnabled()
    assert right_click(qtbot, row) == {
        "Open": True,
        "Edit contact…": True,
        "Delete contact": False,
        "Log…": True,
        "Snooze 1 week": True,
    }
    row.title_button.setFocus()
    qtbot.keyClick(row.title_button, Qt.Key.Key_Return)  # Enter on the title shows her
    qtbot.waitUntil(lambda: shows(window, ada))


def test_delete_in_a_contacts_own_timeline_deletes_the_interaction_not_the_contact(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:
    ada = sample["Ada Lovelace"]
    log(db, 3, ada)
    window.navigation._everything_changed()
    window.select_contact(ada)
    timeline = window.detail.timeline_list
    qtbot.waitUntil(lambda: timeline.count() == 1)
    assert window.delete_action.text() == "&Delete contact"  # the list has the focus: Delete means her
    timeline.setFocus()
    qtbot.waitUntil(timeline.hasFocus)
    timeline.setCurrentRow(0)
    assert window.delete_action.text() == "&Delete interaction" and window.delete_action.isEnabled()
    assert right_click(qtbot, timeline, timeline.visualItemRect(timeline.item(0)).center()) == {
        "Open": True,
        "Edit interaction…": True,
        "Delete interaction": True,
        "Log interaction…": True,
    }
    asked: list[str] = []
    window.contact_edits.confirm = lambda text: asked.append(text) or True
    timeline.setFocus()
    qtbot.keyClick(timeline, Qt.Key.Key_Delete)
    settle(qtbot, window)
    assert asked == ["Delete “Coffee” from the timeline?"]
    assert db.timeline.for_contact(ada) == [] and db.contacts.trash() == []
    assert window.undo_action.text() == "&Undo delete log with Ada Lovelace"
