"""First run: an empty database greets the user with what to do, and nothing nobody created."""

from __future__ import annotations

from collections.abc import Callable

from netdesk.services import NetDesk
from netdesk.ui.contact_dialog import ContactDialog
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View


def test_an_empty_database_shows_the_welcome_and_its_buttons_work(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:
    window = make_window(view=None)
    assert window.navigation.current is View.CONTACTS
    assert window.welcome.isVisible() and not window.table.isVisible() and not window.detail.isVisible()
    steps = window.welcome.findChild(type(window.count_label), "welcomeLinkedInSteps")
    assert steps is not None and "Get a copy of your data" in steps.text()
    assert db.networking.goals() == []  # no goals nobody created

    window.welcome.add_button.click()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ContactDialog))
    dialog = window.current_dialog
    assert isinstance(dialog, ContactDialog)
    dialog.given_edit.setText("Priya")
    dialog.family_edit.setText("Shah")
    dialog.save()
    qtbot.waitUntil(lambda: window.table.isVisible() and not window.welcome.isVisible())
    assert window.detail.isVisible()
    assert window.model.total == 1 and window.selected_id() is not None
    assert window.undo_action.text() == "&Undo create Priya Shah"

    window.ops.undo()  # back to an empty database: the welcome comes back
    qtbot.waitUntil(lambda: window.welcome.isVisible())
    assert window.statusBar().currentMessage() == "Undone: create Priya Shah"


def test_open_the_demo_from_the_welcome_keeps_the_users_database_for_next_time(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:
    from netdesk.settings import KEY_LAST_DATABASE

    window = make_window(view=None)
    window.settings.setValue(KEY_LAST_DATABASE, str(db.path))
    window.welcome.demo_button.click()
    qtbot.waitUntil(lambda: window.model.total > 100, timeout=60000)
    assert "demo" in window.windowTitle() and not window.welcome.isVisible()
    assert window.settings.value(KEY_LAST_DATABASE) == str(db.path)
    assert len(window.nd.networking.goals()) == 3  # the demo explains its goals by having them used


# What each page says on an empty database: a pointer to the action that fills it (a button, a key or a field on it).
NEXT_STEP = {
    View.CONTACTS: "Import your LinkedIn export",
    View.DUE: "Import your contacts or add one",
    View.TIMELINE: "press Ctrl+L to log",
    View.GOALS: "type a name on the left and press Enter",
    View.INTRODUCTIONS: "Pick a person or type an organisation",
    View.DASHBOARD: "press Ctrl+L to log",
    View.INTRO_STEPS: "“Ask for an introduction…”",
    View.COMMUNITIES: "add the groups you belong to",
    View.CONTRIBUTIONS: "“Log a contribution…”",
    View.OFFERS: "Note what people are looking for",
}


def test_every_empty_page_says_what_to_do_next(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:
    from PySide6.QtWidgets import QAbstractButton, QLabel

    window = make_window(view=None)
    assert set(NEXT_STEP) == set(View)  # a new page needs its empty state here too
    for view in View:
        window.navigation.show_view(view)
        page = window.navigation.current_page()
        if view is View.DUE:
            qtbot.waitUntil(lambda p=page: not p.loading)  # type: ignore[attr-defined,misc]

        def shown() -> str:
            widgets = [*page.findChildren(QLabel), *page.findChildren(QAbstractButton)]  # noqa: B023
            return "\n".join(w.text() for w in widgets if w.isVisible())

        qtbot.waitUntil(lambda: NEXT_STEP[view] in shown(), timeout=5000)  # noqa: B023
