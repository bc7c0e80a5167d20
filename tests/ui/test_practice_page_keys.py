"""The practice pages' lists follow the page's actions: a context menu, Enter opens, F2 edits, Delete deletes, each
acting on the selection and disabled when nothing fits; nothing a user can trigger raises."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from window_helpers import close_popups, settle

from netdesk.core.model import ContactDTO
from netdesk.core.practices import CommunityKind, ContributionKind
from netdesk.services import NetDesk
from netdesk.services.communities import CommunityDTO
from netdesk.services.contributions import ContributionDTO
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View
from netdesk.ui.page_actions import build_menu
from netdesk.ui.pages.base import PracticePage
from netdesk.ui.pages.communities import CommunityDialog
from netdesk.ui.pages.contributions import ContributionDialog

PRACTICE_VIEWS = [View.INTRO_STEPS, View.COMMUNITIES, View.CONTRIBUTIONS, View.OFFERS]
KEYS = (Qt.Key.Key_Return, Qt.Key.Key_F2, Qt.Key.Key_Delete)


def page_of(window: MainWindow, view: View) -> PracticePage:
    window.navigation.show_view(view)
    page = window.navigation.current_page()
    assert isinstance(page, PracticePage)
    return page


def activate(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Delete and F2 are the window's shortcuts: offscreen, a dialog that closed once its write was done may leave
    no window active."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def menu_entries(page: PracticePage) -> dict[str, bool]:
    return {a.text(): a.isEnabled() for a in build_menu(page, page.page_actions()).actions()}


def press_everything(qtbot, window: MainWindow, view: View) -> list[str]:  # type: ignore[no-untyped-def]
    """On every list of the page with nothing selected: every enabled context-menu entry, then Enter, F2, Delete."""
    errors: list[str] = []
    page = page_of(window, view)
    assert page.watched, view
    for index in range(len(page.watched)):
        page = page_of(window, view)  # a write may have rebuilt the page's rows
        lst: QAbstractItemView = page.watched[index]
        lst.clearSelection()
        window.activateWindow()  # a dialog an earlier entry opened took the activation with it
        qtbot.waitUntil(window.isActiveWindow)
        lst.setFocus()
        qtbot.waitUntil(lst.hasFocus)
        assert page.last_list is lst
        assert not window.delete_action.isEnabled() and not window.edit_action.isEnabled(), (view, index)
        entries = build_menu(page, page.page_actions()).actions()
        for entry in entries:
            if entry.isEnabled():
                entry.trigger()
                qtbot.wait(5)
                errors += close_popups(window)
        for key in KEYS:
            lst.setFocus()
            qtbot.keyClick(lst, key)
            qtbot.wait(5)
            errors += close_popups(window)
        assert not window.delete_action.isEnabled() and not window.edit_action.isEnabled(), (view, index)
    return errors


@pytest.mark.parametrize("view", PRACTICE_VIEWS)
def test_every_entry_and_key_on_an_empty_database_is_safe(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], view: View
) -> None:
    window = make_window()
    assert press_everything(qtbot, window, view) == []  # pytest-qt fails the test on any exception in a slot


def _practices(db: NetDesk) -> dict[str, int]:
    ada = db.contacts.create(ContactDTO(given_name="Ada", family_name="Lovelace")).value.id or 0
    bob = db.contacts.create(ContactDTO(given_name="Bob", family_name="Kahn")).value.id or 0
    meetup = db.communities.save(CommunityDTO("Rust Meetup", CommunityKind.GROUP)).value.id or 0
    db.communities.link_person(meetup, ada, "met_at")
    talk = db.contributions.save(ContributionDTO(ContributionKind.TALK, "On engines", date(2025, 5, 1))).value.id or 0
    db.introductions.propose(ada, bob, "both like engines")
    db.offers.set_for(ada, offers=["rust mentoring"], needs=[])
    db.offers.set_for(bob, offers=[], needs=["rust help"])
    return {"ada": ada, "bob": bob, "meetup": meetup, "talk": talk}


@pytest.mark.parametrize("view", PRACTICE_VIEWS)
def test_with_data_and_nothing_selected_everything_is_safe_and_off(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk, view: View
) -> None:
    _practices(db)
    window = make_window()
    page = page_of(window, view)
    page.refresh()
    assert press_everything(qtbot, window, view) == []


def test_communities_f2_edits_delete_deletes_enter_opens_a_person(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:
    ids = _practices(db)
    window = make_window()
    page = page_of(window, View.COMMUNITIES)
    lst = page.community_list  # type: ignore[attr-defined]
    lst.setFocus()
    lst.setCurrentRow(0)
    assert menu_entries(page) == {
        "Open": True,
        "Edit community…": True,
        "Delete community": True,
        "New community or event…": True,
        "Log an interaction here…": True,
    }
    assert window.edit_action.text() == "&Edit community…" and window.delete_action.isEnabled()
    qtbot.keyClick(lst, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, CommunityDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, CommunityDialog) and dialog.name_edit.text() == "Rust Meetup"
    dialog.name_edit.setText("Rust Meetup Berlin")
    dialog.ok_button.click()
    settle(qtbot, window)  # written on the window's writer thread
    assert db.communities.get(ids["meetup"]).name == "Rust Meetup Berlin"

    people = page.people_list  # type: ignore[attr-defined]
    people.setFocus()
    people.setCurrentRow(0)
    assert menu_entries(page) == {
        "Open": True,
        "Edit link…": False,
        "Delete link": True,
        "Log an interaction here…": True,
    }
    qtbot.keyClick(people, Qt.Key.Key_Return)  # shows Ada on the Contacts page
    qtbot.waitUntil(lambda: window.navigation.current is View.CONTACTS and window.selected_id() == ids["ada"])
    page = page_of(window, View.COMMUNITIES)
    activate(qtbot, window)
    people.setFocus()
    people.setCurrentRow(0)
    qtbot.keyClick(people, Qt.Key.Key_Delete)  # unlinks Ada, one undo step
    settle(qtbot, window)
    assert db.communities.people(ids["meetup"]) == []
    assert window.undo_action.text() == "&Undo unlink from community"
    window.undo_action.trigger()
    settle(qtbot, window)  # undo runs on the window's writer thread
    assert [m.name for m in db.communities.people(ids["meetup"])] == ["Ada Lovelace"]

    window.activateWindow()  # the undo's refresh may leave no window active offscreen, and Delete is a shortcut
    qtbot.waitUntil(window.isActiveWindow)
    lst.setFocus()
    lst.setCurrentRow(0)
    qtbot.keyClick(lst, Qt.Key.Key_Delete)
    settle(qtbot, window)
    assert db.communities.overview() == []
    qtbot.waitUntil(lambda: lst.count() == 0)
    assert not window.delete_action.isEnabled()


def test_contributions_f2_edits_and_delete_deletes_the_selected_one(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:
    ids = _practices(db)
    window = make_window()
    page = page_of(window, View.CONTRIBUTIONS)
    table = page.table  # type: ignore[attr-defined]
    assert not page.delete_button.isEnabled()  # type: ignore[attr-defined]
    table.setFocus()
    table.selectRow(0)
    assert page.delete_button.isEnabled()  # type: ignore[attr-defined]
    qtbot.keyClick(table, Qt.Key.Key_Return)  # Enter opens it for editing
    qtbot.waitUntil(lambda: isinstance(page.active_dialog, ContributionDialog))
    dialog = page.active_dialog
    assert isinstance(dialog, ContributionDialog) and dialog.windowTitle() == "Edit a contribution"
    assert dialog.title_edit.text() == "On engines" and dialog.date_edit.date().toString("yyyy-MM-dd") == "2025-05-01"
    dialog.title_edit.setText("")
    dialog.ok_button.click()  # refused inline
    settle(qtbot, window)
    assert dialog.error_label.text() == "A contribution needs a title." and dialog.isVisible()
    dialog.title_edit.setText("On difference engines")
    dialog.ok_button.click()
    settle(qtbot, window)
    assert [c.title for c in db.contributions.recent()] == ["On difference engines"]
    assert [c.id for c in db.contributions.recent()] == [ids["talk"]]  # edited, not a second one
    activate(qtbot, window)
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    settle(qtbot, window)
    assert db.contributions.recent() == []
    window.undo_action.trigger()
    settle(qtbot, window)  # undo runs on the window's writer thread
    assert [c.title for c in db.contributions.recent()] == ["On difference engines"]


def test_introductions_menu_offers_the_next_steps_and_enter_opens_the_person(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:
    ids = _practices(db)
    window = make_window()
    page = page_of(window, View.INTRO_STEPS)
    table = page.table  # type: ignore[attr-defined]
    table.setFocus()
    table.selectRow(0)
    entries = menu_entries(page)
    assert entries["Ada Lovelace opted in"] and entries["Bob Kahn opted in"] and entries["Declined"]
    assert entries["Edit introduction…"] is False and entries["Delete introduction"] is True
    action = next(a for a in build_menu(page, page.page_actions()).actions() if a.text() == "Ada Lovelace opted in")
    action.trigger()
    settle(qtbot, window)
    assert db.introductions.list_all()[0].a_opted_in_on is not None
    assert "Ada Lovelace opted in" not in menu_entries(page)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.navigation.current is View.CONTACTS and window.selected_id() == ids["ada"])
    page = page_of(window, View.INTRO_STEPS)
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    settle(qtbot, window)
    assert db.introductions.list_all() == [] and table.model().rowCount() == 0
    assert window.undo_action.text() == "&Undo delete of “Introduce Ada Lovelace and Bob Kahn”"
    window.undo_action.trigger()
    settle(qtbot, window)  # undo runs on the window's writer thread
    assert [i.a_opted_in_on is not None for i in db.introductions.list_all()] == [True]


def test_offers_enter_opens_and_f2_edits_the_person_found(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:
    ids = _practices(db)
    window = make_window()
    page = page_of(window, View.OFFERS)
    page.help_edit.setText("rust")  # type: ignore[attr-defined]
    page.find_help()  # type: ignore[attr-defined]
    results = page.help_list  # type: ignore[attr-defined]
    results.setFocus()
    results.setCurrentRow(0)
    assert menu_entries(page) == {
        "Open": True,
        "Edit offer…": True,
        "Delete offer": True,
        "Suggest this introduction": False,
    }
    qtbot.keyClick(results, Qt.Key.Key_F2)
    assert page.person_field.contact_id() == ids["ada"]  # type: ignore[attr-defined]
    assert page.offers_edit.toPlainText() == "rust mentoring"  # type: ignore[attr-defined]
    results.setFocus()
    qtbot.keyClick(results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.navigation.current is View.CONTACTS and window.selected_id() == ids["ada"])
    page = page_of(window, View.OFFERS)
    results.setFocus()
    results.setCurrentRow(0)
    qtbot.keyClick(results, Qt.Key.Key_Delete)  # Ada's "rust mentoring" offer goes
    settle(qtbot, window)
    assert db.offers.of(ids["ada"]).offers == () and results.count() == 0
    needs = page.help_them_list  # type: ignore[attr-defined]
    assert needs.count() == 0  # nobody offers rust help any more
    window.undo_action.trigger()
    settle(qtbot, window)  # undo runs on the window's writer thread
    assert db.offers.of(ids["ada"]).offers == ("rust mentoring",) and results.count() == 1
    needs.setFocus()
    needs.setCurrentRow(0)
    assert menu_entries(page)["Suggest this introduction"] and menu_entries(page)["Delete need"]
    qtbot.keyClick(needs, Qt.Key.Key_Delete)  # Bob's need goes
    settle(qtbot, window)
    assert db.offers.of(ids["bob"]).needs == ()
