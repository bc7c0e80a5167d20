"""The product's words, as the user reads them: a keep-in-touch interval is a "rhythm" on every page, menu, tab,
button and tooltip (the code and the CLI's `cadence` command keep their name)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from netdesk.services import NetDesk
from netdesk.services.demo import populate_demo
from netdesk.ui.main_window import MainWindow


def shown_texts(window: MainWindow) -> list[str]:
    texts = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        texts.append(widget.toolTip())
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
    for action in window.findChildren(QAction):
        texts += [action.text(), action.toolTip()]
    return [t for t in texts if t]


def test_no_page_says_cadence(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:
    from netdesk.ui.navigation import View

    populate_demo(db, people=40)
    window = make_window()
    qtbot.waitUntil(lambda: window.loaded)
    window.select_contact(next(r.id for r in window.model.all_rows() if r.organization))
    seen: list[str] = []
    for view in View:
        window.navigation.show_view(view)
        qtbot.wait(100)
        seen += shown_texts(window)
    window.navigation.show_view(View.CONTACTS)
    for tab in ("Overview", "Networking", "Timeline"):
        window.detail.show_tab(tab)
        qtbot.waitUntil(lambda: window.tasks.pending == 0)
        seen += shown_texts(window)
    assert any("Rhythm" in t for t in seen)  # the walk reached the rhythm's label
    assert [t for t in seen if "adence" in t] == []
