"""Switching between Contacts and the networking views, the quick log and the Strength column, driven like a user."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, Qt

from netdesk.core.model import InteractionDTO, InteractionKind, Participant
from netdesk.core.networking import DueKind
from netdesk.services import NetDesk, open_netdesk
from netdesk.ui.contact_table_model import Column
from netdesk.ui.interaction_dialog import InteractionDialog
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View
from netdesk.ui.views.due_view import DueView
from netdesk.ui.views.timeline_view import TimelineView
from tests.ui.conftest import person

PAGE_NAMES = {
    View.CONTACTS: "mainSplitter",
    View.DUE: "dueView",
    View.TIMELINE: "timelineView",
    View.GOALS: "goalsView",
    View.INTRODUCTIONS: "introductionsView",
    View.DASHBOARD: "dashboardView",
    View.INTRO_STEPS: "introductionStepsPage",
    View.COMMUNITIES: "communitiesPage",
    View.CONTRIBUTIONS: "contributionsPage",
    View.OFFERS: "offersPage",
}


def press(qtbot, window: MainWindow, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    # Shortcuts reach the active window only; the offscreen platform gives the activation back to nobody when a
    # dialog closes after its write has finished.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)


def due_view(window: MainWindow) -> DueView:
    page = window.navigation.views[View.DUE]
    assert isinstance(page, DueView)
    return page


def due_kinds(window: MainWindow, contact_id: int) -> set[DueKind]:
    return {i.kind for i in due_view(window).items if i.contact_id == contact_id}


def wait_for_due(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """The Due view loads its list in the background."""
    qtbot.waitUntil(lambda: not due_view(window).loading, timeout=5000)


def test_keyboard_shortcuts_and_view_menu_switch_pages(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert window.navigation.current is View.CONTACTS  # the fixture starts on the list
    keys = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5, Qt.Key.Key_6, Qt.Key.Key_7]
    keys += [Qt.Key.Key_8, Qt.Key.Key_9, Qt.Key.Key_0]  # the tenth page is Ctrl+0
    for key, view in reversed(list(zip(keys, View, strict=True))):
        press(qtbot, window, key)
        assert window.navigation.current is view
        assert window.navigation.stack.currentWidget().objectName() == PAGE_NAMES[view]
        assert window.navigation.actions[view].isChecked()
    menu_texts = [a.text() for a in window.view_menu.actions()]
    assert menu_texts[:6] == ["&Contacts", "&Due", "&Timeline", "&Goals", "&Who can introduce me?", "Das&hboard"]
    window.navigation.actions[View.GOALS].trigger()  # the View menu's entry
    assert window.navigation.stack.currentWidget().objectName() == "goalsView"


def test_due_is_home_with_contacts_and_the_last_view_is_remembered(
    qtbot, make_window: Callable[..., MainWindow], sample: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    first = make_window(view=None)
    assert first.navigation.current is View.DUE
    assert first.navigation.stack.currentWidget().objectName() == "dueView"
    press(qtbot, first, Qt.Key.Key_3)
    first.close()
    second = make_window(view=None)
    assert second.navigation.current is View.TIMELINE


def test_the_list_loads_first_then_the_due_page_and_the_tags_once_each(
    qtbot, make_window: Callable[..., MainWindow], sample: dict[str, int], db: NetDesk, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    windows: list[MainWindow] = []
    seen: list[tuple[str, bool]] = []  # (what was read, whether the window's list had its rows then)

    def recording(name: str, read: Callable[..., object]) -> Callable[..., object]:
        def wrapped(*args: object, **kwargs: object) -> object:
            seen.append((name, bool(windows) and windows[0].loaded))
            return read(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(db.networking, "due", recording("due", db.networking.due))
    monkeypatch.setattr(db.contacts, "tags", recording("tags", db.contacts.tags))
    real_init = MainWindow.__init__

    def init(self: MainWindow, *args: object, **kwargs: object) -> None:
        windows.append(self)
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(MainWindow, "__init__", init)
    window = make_window(view=None)
    assert window.navigation.current is View.DUE  # the Due page is on screen at once, "Loading…" until its list
    wait_for_due(qtbot, window)
    qtbot.waitUntil(lambda: window.tag_list.count() > 2)  # All contacts, Starred, then the tags
    assert sorted(seen) == [("due", True), ("tags", True)]  # after the list's rows, and only once


def test_after_opening_another_database_its_due_page_and_tags_load_after_its_rows(
    qtbot, make_window: Callable[..., MainWindow], sample: dict[str, int], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(view=None)
    wait_for_due(qtbot, window)
    other = tmp_path / "other.sqlite3"
    nd = open_netdesk(other)
    grace = nd.contacts.create(person("Grace", "Brewster", tags=("navy",))).value.id
    assert grace is not None
    nd.followups.mark_new_connection(grace)  # an item for the Due page
    nd.close()
    assert window.open_database(other)
    qtbot.waitUntil(lambda: window.loaded and window.navigation.current is View.DUE)
    wait_for_due(qtbot, window)
    assert {i.contact_name for i in due_view(window).items} == {"Grace Brewster"}
    qtbot.waitUntil(lambda: "navy  (1)" in [window.tag_list.item(n).text() for n in range(window.tag_list.count())])


def test_empty_database_starts_on_contacts(make_window: Callable[..., MainWindow]) -> None:
    window = make_window(view=None)
    assert window.navigation.current is View.CONTACTS


def test_activating_a_due_contact_selects_it_in_the_list(
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:  # type: ignore[no-untyped-def]
    # A search that hides Grace: activating her must still show her.
    window.search_edit.setText("turing")
    window.run_search()
    qtbot.waitUntil(lambda: window.model.shown == 1)
    grace = sample["Grace Hopper"]
    db.followups.mark_new_connection(grace)
    press(qtbot, window, Qt.Key.Key_2)
    wait_for_due(qtbot, window)
    row = next(r for r in due_view(window).rows if r.item.contact_id == grace)  # a new connection to follow up
    qtbot.mouseClick(row.title_button, Qt.MouseButton.LeftButton)
    assert window.navigation.current is View.CONTACTS
    qtbot.waitUntil(lambda: window.selected_id() == grace)
    assert window.detail.contact is not None and window.detail.contact.name == "Grace Hopper"


def test_quick_log_from_due_appears_in_timeline_and_clears_due(
    qtbot, make_window: Callable[..., MainWindow], sample: dict[str, int], db: NetDesk
) -> None:  # type: ignore[no-untyped-def]
    linus = sample["Linus Torvalds"]  # not a connection: no follow-up, only his rhythm
    db.networking.set_contact_cadence(linus, 30, since=(datetime.now() - timedelta(days=60)).date())
    old = datetime.now() - timedelta(days=60)
    db.timeline.log(InteractionDTO(old, InteractionKind.CALL, summary="Old call", participants=(Participant(linus),)))
    window = make_window(view=None)
    assert window.navigation.current is View.DUE
    wait_for_due(qtbot, window)
    assert due_kinds(window, linus) == {DueKind.OVERDUE}
    row = next(r for r in due_view(window).rows if r.item.contact_id == linus)
    qtbot.mouseClick(row, Qt.MouseButton.LeftButton, pos=QPoint(3, 3))  # select the item (not its buttons)
    assert due_view(window).selected_contact() == (linus, "Linus Torvalds")

    press(qtbot, window, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, InteractionDialog))
    dialog = window.current_dialog
    assert isinstance(dialog, InteractionDialog)
    assert dialog.participant_ids() == [linus]
    when = dialog.when_edit.dateTime().toPython()
    assert abs((when - datetime.now()).total_seconds()) < 120  # type: ignore[operator]
    qtbot.keyClicks(dialog.summary_edit, "Kernel chat")
    dialog.save_button.click()

    qtbot.waitUntil(lambda: linus not in {i.contact_id for i in due_view(window).items})
    # While waiting for the Due view's load the offscreen platform leaves no window active after the dialog
    # closed (a desktop hands activation back to the parent): activate it again for the shortcut.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    press(qtbot, window, Qt.Key.Key_3)
    timeline = window.navigation.views[View.TIMELINE]
    assert isinstance(timeline, TimelineView)
    summaries = [timeline.model.interaction(r).summary for r in range(timeline.model.rowCount())]
    assert summaries[0] == "Kernel chat" and "Old call" in summaries
    row_index = window.model.row_of(linus)
    assert row_index is not None
    assert window.model.index(row_index, Column.LAST_CONTACTED).data() == f"{datetime.now():%d %b %Y}"


def test_quick_log_introduction_with_goal_and_open_favour(
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:  # type: ignore[no-untyped-def]
    ada, alan, grace = sample["Ada Lovelace"], sample["Alan Turing"], sample["Grace Hopper"]
    db.networking.create_goal("Better connected")
    window.select_contact(ada)
    press(qtbot, window, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, InteractionDialog))
    dialog = window.current_dialog
    assert isinstance(dialog, InteractionDialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findText("Introduction"))
    assert dialog.with_label.text() == "Introduced:" and not dialog.introducer_button.isHidden()
    assert dialog.open_favour_check.isHidden()  # only for favours
    dialog.add_participant(alan, "Alan Turing")
    dialog.save_button.click()
    assert dialog.isVisible() and "introduction" in dialog.form_error.text()  # nobody picked as introducer
    dialog.set_introducer(grace, "Grace Hopper")
    dialog.set_goal_checked("Better connected")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: window.current_dialog is None)
    logged = db.timeline.for_contact(grace)
    assert [i.kind for i in logged] == [InteractionKind.INTRODUCTION]
    assert "Grace Hopper introduced" in logged[0].summary
    assert [(r.other_id, r.role) for r in db.networking.relationships_of(ada)] == [(alan, "knows")]
    goal = next(g for g in db.networking.goals() if g.name == "Better connected")
    assert db.networking.goal_interactions(goal.id) == [logged[0].id]

    # A favour promised but not yet delivered.
    press(qtbot, window, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, InteractionDialog))
    dialog = window.current_dialog
    assert isinstance(dialog, InteractionDialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findText(InteractionKind.FAVOUR_GIVEN.label))
    assert not dialog.open_favour_check.isHidden()
    dialog.open_favour_check.setChecked(True)
    qtbot.keyClicks(dialog.summary_edit, "Review her paper")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: window.current_dialog is None)
    assert [i.summary for i in db.networking.open_favours(ada)] == ["Review her paper"]


def test_strength_column_fills_in_off_the_gui_thread(
    qtbot, make_window: Callable[..., MainWindow], sample: dict[str, int], db: NetDesk
) -> None:  # type: ignore[no-untyped-def]
    ada = sample["Ada Lovelace"]
    for days in (2, 20, 40):
        when = datetime.now() - timedelta(days=days)
        db.timeline.log(InteractionDTO(when, InteractionKind.MEETING, summary="Tea", participants=(Participant(ada),)))
    window = make_window()
    assert window.model.headerData(Column.STRENGTH, Qt.Orientation.Horizontal) == "Strength"
    expected = str(db.networking.strength(ada).score)
    assert expected != "0"

    def cell(cid: int) -> str:
        return str(window.model.index(window.model.row_of(cid) or 0, Column.STRENGTH).data())

    qtbot.waitUntil(lambda: cell(ada) == expected)
    assert cell(sample["Linus Torvalds"]) == "0"
    window.table.sortByColumn(Column.STRENGTH, Qt.SortOrder.DescendingOrder)
    assert window.model.contact_id(0) == ada


def test_switching_database_lets_a_due_load_finish_before_closing_the_old_one(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], sample: dict[str, int], tmp_path: Path, monkeypatch
) -> None:
    window = make_window(view="due")
    wait_for_due(qtbot, window)
    old = window.nd
    events: list[str] = []
    real_due, real_close = old.networking.due, old.close

    def slow_due(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        events.append("due finished")
        return real_due(*args, **kwargs)

    def close() -> None:
        events.append("old database closed")
        real_close()

    monkeypatch.setattr(old.networking, "due", slow_due)
    monkeypatch.setattr(old, "close", close)
    due_view(window).refresh()
    other = tmp_path / "other.sqlite3"
    open_netdesk(other).close()
    assert window.open_database(other)
    assert events == ["due finished", "old database closed"]


def test_closing_the_window_waits_for_a_due_load(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], sample: dict[str, int], monkeypatch
) -> None:
    window = make_window(view="due")
    wait_for_due(qtbot, window)
    events: list[str] = []
    real_due = window.nd.networking.due

    def slow_due(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        events.append("due finished")
        return real_due(*args, **kwargs)

    monkeypatch.setattr(window.nd.networking, "due", slow_due)
    due_view(window).refresh()
    window.close()  # the app closes the database right after
    events.append("window closed")
    assert events == ["due finished", "window closed"]
