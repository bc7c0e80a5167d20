"""Switching the theme in Preferences with the window open: what is already on screen takes the new colours too
(the detail pane's rich text, the networking tab's quiet and red lines), not only what is drawn afterwards."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel
from window_helpers import settle

from netdesk.core.model import InteractionDTO, InteractionKind, Participant
from netdesk.services import NetDesk
from netdesk.settings import ThemeChoice
from netdesk.ui.main_window import MainWindow
from netdesk.ui.preferences import PreferencesDialog
from netdesk.ui.theme import apply_theme, contrast

COLOUR = re.compile(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})")


@pytest.fixture(autouse=True)
def system_theme_afterwards() -> Iterator[None]:
    yield  # the theme is application-wide and the QApplication outlives each test
    apply_theme(ThemeChoice.SYSTEM)


def choose_theme(qtbot, window: MainWindow, theme: str) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, PreferencesDialog) and window.current_dialog.isVisible())
    dialog = window.current_dialog
    assert isinstance(dialog, PreferencesDialog)
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData(theme))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    QApplication.processEvents()


def illegible(window: MainWindow) -> list[tuple[str, str]]:
    """Colours NetDesk wrote into what the detail pane shows that do not reach 4.5:1 on the background behind them."""
    bad = []
    html = window.detail.browser.toHtml()
    html = re.sub(r"<span style=[^>]*background-color:[^>]*>", "", html)  # tag chips carry their own background
    base = window.detail.browser.palette().color(QPalette.ColorRole.Base)
    for found in set(COLOUR.findall(html)) - {"#e0a100"}:  # the preferred star is an icon, not text
        if contrast(QColor(found), base) < 4.5:
            bad.append(("detail", found))
    panel = window.detail.networking
    assert panel is not None
    background = window.palette().color(QPalette.ColorRole.Window)  # a label's own palette is frozen by its sheet
    for label in panel.findChildren(QLabel):
        for found in COLOUR.findall(label.styleSheet()):
            if contrast(QColor(found), background) < 4.5:
                bad.append((label.objectName(), found))
    return bad


def test_switching_the_theme_recolours_the_open_detail_pane(  # type: ignore[no-untyped-def]
    qtbot, make_window, sample: dict[str, int], db: NetDesk
) -> None:
    ada = sample["Ada Lovelace"]
    db.timeline.log(
        InteractionDTO(
            kind=InteractionKind.MEETING,
            occurred_at=datetime.now() - timedelta(days=3),
            summary="Tea at the Royal Society",
            participants=(Participant(contact_id=ada),),
        )
    )
    window = make_window()
    choose_theme(qtbot, window, "light")
    assert window.select_contact(ada)
    qtbot.waitUntil(lambda: "Tea at the Royal Society" in window.detail.text())
    assert illegible(window) == []
    for theme in ("dark", "light", "dark"):
        choose_theme(qtbot, window, theme)
        assert illegible(window) == [], theme


def test_switching_the_theme_recolours_the_open_pages(  # type: ignore[no-untyped-def]
    qtbot, make_window, sample: dict[str, int], db: NetDesk
) -> None:
    from datetime import date

    from PySide6.QtWidgets import QPushButton

    from netdesk.core.model import ContactDTO
    from netdesk.ui.navigation import View

    db.contacts.create(ContactDTO(given_name="Nia", family_name="Okoye", connected_on=date.today()))
    window = make_window()
    choose_theme(qtbot, window, "light")
    for view in (View.GOALS, View.DUE):  # built in the light theme, shown while the theme changes
        window.navigation.show_view(view)
    due = window.navigation.current_page()
    qtbot.waitUntil(lambda: bool(due.rows))  # type: ignore[attr-defined]
    window.show_organization("Analytical Engines")  # the filter banner over the list
    qtbot.waitUntil(lambda: not window.filter_banner.isHidden())
    window.navigation.show_view(View.DUE)
    for theme in ("dark", "light"):
        choose_theme(qtbot, window, theme)
        background = QApplication.palette().color(QPalette.ColorRole.Window)
        for view in (View.DUE, View.GOALS, View.CONTACTS):
            page = window.navigation.view(view)
            for widget in page.findChildren(QLabel) + page.findChildren(QPushButton):
                if not widget.isVisibleTo(page) or not widget.text():
                    continue
                if isinstance(widget, QPushButton) and not widget.isFlat():
                    continue  # drawn on the button's own colour
                text = widget.palette().color(widget.foregroundRole())
                ratio = contrast(text, background)
                assert ratio >= 4.5, (theme, view, widget.objectName(), widget.text()[:30], text.name(), ratio)
        banner = window.filter_banner
        shown = banner.palette()  # its text on its own background (the alternate base of the theme in use)
        assert shown.color(QPalette.ColorRole.Window) == QApplication.palette().color(QPalette.ColorRole.AlternateBase)
        assert contrast(shown.color(banner.foregroundRole()), shown.color(QPalette.ColorRole.Window)) >= 4.5
