"""The Due page at the smallest supported size: every action button of every card is whole and inside the page."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QScrollArea

from netdesk.services import NetDesk
from netdesk.services.demo import populate_demo
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View
from netdesk.ui.views.due_view import DueView


def test_due_cards_wrap_their_buttons_at_1024_by_700(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:
    populate_demo(db, people=80)  # its "personal note" cards carry five buttons
    window = make_window(view="due")
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    page = window.navigation.current_page()
    assert isinstance(page, DueView)
    qtbot.waitUntil(lambda: not page.loading and bool(page.rows), timeout=10_000)
    page.show_all_button.setChecked(True)  # every section open: the widest cards are shown too
    qtbot.waitUntil(lambda: all(r.isVisible() for r in page.rows[:5]), timeout=5000)
    qtbot.wait(50)
    scroll = page.findChild(QScrollArea)
    assert scroll is not None
    viewport = scroll.viewport()
    assert scroll.horizontalScrollBar().maximum() == 0  # nothing wider than the page
    buttons = [b for row in page.rows if row.isVisible() for b in row.findChildren(QPushButton) if b.isVisible()]
    labels = {b.text() for b in buttons}
    assert {"Sent personal message", "Snooze 1 week"} <= labels  # the card whose last button was cut off
    for button in buttons:
        right = button.mapTo(viewport, button.rect().topRight()).x()
        assert right <= viewport.width(), f"{button.text()!r} ends at {right}, the page at {viewport.width()}"
        assert button.width() >= button.sizeHint().width(), f"{button.text()!r} is squeezed"


def test_the_two_introduction_pages_have_names_that_tell_them_apart(  # type: ignore[no-untyped-def]
    make_window: Callable[..., MainWindow], sample: dict[str, int]
) -> None:
    window = make_window()
    actions = window.navigation.actions
    finder, tracker = actions[View.INTRODUCTIONS].iconText(), actions[View.INTRO_STEPS].iconText()
    assert finder == "Find introducer" and tracker == "Intro tracker"
    short = [a.iconText() for a in actions.values()]
    assert len(set(short)) == len(short)
    assert actions[View.INTRODUCTIONS].icon().cacheKey() != actions[View.INTRO_STEPS].icon().cacheKey()


def test_a_write_that_changes_nothing_due_keeps_the_cards(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:
    populate_demo(db, people=40)
    window = make_window(view="due")
    page = window.navigation.current_page()
    assert isinstance(page, DueView)
    qtbot.waitUntil(lambda: not page.loading and bool(page.rows), timeout=10_000)
    cards = list(page.rows)
    someone = next(r for r in window.model.all_rows() if r.title)
    with qtbot.waitSignal(page.refreshed, timeout=10_000):  # a title changes: the Due list does not
        window.ops.run(lambda: db.contacts.update(db.contacts.get(someone.id).replace(title="Chief Listener")))
    assert page.rows == cards and all(not c.isHidden() for c in cards)
    first = page.rows[0].item
    with qtbot.waitSignal(page.refreshed, timeout=10_000):  # snoozing the first card changes it: rebuilt
        page.snooze(first)
    assert first not in [r.item for r in page.rows]
