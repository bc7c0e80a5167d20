"""Both themes are legible: text and links against their backgrounds reach WCAG AA (4.5:1), computed from the
colours the widgets actually use (their palettes, and the colours NetDesk puts into its own rich text)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QToolButton,
    QWidget,
)

from netdesk.core.model import ContactDTO
from netdesk.services import NetDesk
from netdesk.settings import ThemeChoice
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View
from netdesk.ui.theme import apply_theme, contrast, error_text, secondary_text

PAIRS = (
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
    (QPalette.ColorRole.Text, QPalette.ColorRole.AlternateBase),
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
    (QPalette.ColorRole.Link, QPalette.ColorRole.Base),
    (QPalette.ColorRole.LinkVisited, QPalette.ColorRole.Base),
    (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.Base),
    (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
    (QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
)


def test_wcag_contrast_formula() -> None:
    assert contrast(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)
    assert contrast(QColor(0, 0, 0, 128), QColor("white")) == pytest.approx(4.0, abs=0.05)  # drawn over white


@pytest.mark.parametrize("theme", [ThemeChoice.LIGHT, ThemeChoice.DARK])
def test_every_page_is_legible_in_both_themes(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], sample: dict[str, int], db: NetDesk, theme: ThemeChoice
) -> None:
    # A connection made this week: the Due list has cards (bold titles, buttons) and section headers to check.
    db.contacts.create(ContactDTO(given_name="Nia", family_name="Okoye", connected_on=date.today()))
    window = make_window()
    apply_theme(theme)
    QApplication.processEvents()
    try:
        palette = QGuiApplication.palette()
        for fg, bg in PAIRS:
            ratio = contrast(palette.color(fg), palette.color(bg))
            assert ratio >= 4.5, (theme, fg, bg, ratio)
        for colour in (secondary_text(palette), error_text(palette)):
            for bg in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
                assert contrast(colour, palette.color(bg)) >= 4.5, (theme, colour.name(), bg)

        window.select_contact(sample["Ada Lovelace"])
        checked = 0
        for view in View:
            window.navigation.show_view(view)
            page = window.navigation.current_page()
            if view is View.DUE:  # its cards load on a worker
                qtbot.waitUntil(lambda p=page: bool(p.rows))  # type: ignore[attr-defined,misc]
            checked += check_widgets(page, theme, view)
        for tab in ("Overview", "Networking", "Timeline"):  # the detail pane's three tabs, each in front in turn
            window.navigation.show_view(View.CONTACTS)
            window.detail.show_tab(tab)
            QApplication.processEvents()
            checked += check_widgets(window.detail, theme, tab)
        window.detail.show_tab("Overview")
        assert checked > 50  # the walk really saw the pages' labels and buttons
        dashboard = window.navigation.view(View.DASHBOARD)
        for plot in (dashboard.plot, dashboard.reply_plot):  # type: ignore[attr-defined]
            background = plot.backgroundBrush().color()
            assert background == palette.color(QPalette.ColorRole.Base), theme  # a white chart in the dark theme
            for side in ("left", "bottom"):  # the axes' month names and counts
                ratio = contrast(plot.getAxis(side).textPen().color(), background)
                assert ratio >= 4.5, (theme, plot.objectName(), side, ratio)
        # The detail pane's own HTML colours, against the browser's background.
        html = window.detail.browser.toHtml()
        base = window.detail.browser.palette().color(QPalette.ColorRole.Base)
        for found in set(re.findall(r"(?<!-)color:\s*(#[0-9a-fA-F]{6})", html)):
            if found.lower() in ("#e0a100",):  # the preferred star is an icon, not text
                continue
            assert contrast(QColor(found), base) >= 4.5 or _on_chip(found, html), (theme, found)
    finally:
        apply_theme(ThemeChoice.SYSTEM)
        QApplication.processEvents()


def check_widgets(root: QWidget, theme: ThemeChoice, where: object) -> int:
    """Every shown label, button and group title under ``root``: its text colour against the colour behind it (the
    widget's own, or for a flat button or a label the window colour it is drawn on), from the widgets' palettes as
    polished by their style sheets. Returns how many were checked."""
    checked = 0
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not widget.isEnabled():
            continue  # disabled controls are exempt in WCAG
        own = widget.palette()
        if isinstance(widget, QLabel) and widget.text():
            fg, bg = own.color(widget.foregroundRole()), own.color(widget.backgroundRole())
            for found in re.findall(r"(?<!-)color:\s*(#[0-9a-fA-F]{6})", widget.styleSheet() + widget.text()):
                assert contrast(QColor(found), own.color(QPalette.ColorRole.Window)) >= 4.5, (theme, where, found)
        elif isinstance(widget, QPushButton | QToolButton) and widget.text():
            flat = isinstance(widget, QPushButton) and widget.isFlat()
            fg = own.color(QPalette.ColorRole.WindowText if flat else QPalette.ColorRole.ButtonText)
            if widget.styleSheet() and "color:" in widget.styleSheet():
                fg = own.color(widget.foregroundRole())
            bg = own.color(QPalette.ColorRole.Window if flat else QPalette.ColorRole.Button)
        elif isinstance(widget, QCheckBox | QRadioButton | QGroupBox) and (
            widget.title() if isinstance(widget, QGroupBox) else widget.text()
        ):
            fg, bg = own.color(QPalette.ColorRole.WindowText), own.color(QPalette.ColorRole.Window)
        else:
            continue
        ratio = contrast(fg, bg)
        text = widget.title() if isinstance(widget, QGroupBox) else widget.text()  # type: ignore[attr-defined]
        assert ratio >= 4.5, (theme, where, type(widget).__name__, widget.objectName(), text[:40], ratio)
        checked += 1
    return checked


def _on_chip(colour: str, html: str) -> bool:
    """Tag chips carry their own background: check the text against it instead."""
    for text, background in re.findall(r"(?<!-)color:(#[0-9a-fA-F]{6}); background-color:(#[0-9a-fA-F]{6})", html):
        if text.lower() == colour.lower():
            return contrast(QColor(text), QColor(background)) >= 4.5
    return False


@pytest.mark.parametrize("theme", [ThemeChoice.LIGHT, ThemeChoice.DARK])
def test_check_boxes_can_be_seen_in_both_themes(qtbot, theme: ThemeChoice) -> None:  # type: ignore[no-untyped-def]
    """An unticked box in a check list (the goals in the detail pane) and a check box: measured on the rendered
    pixels, the box's outline stands out from the background by at least 3:1 (WCAG's bar for controls)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout

    apply_theme(theme)
    try:
        root = QWidget()
        qtbot.addWidget(root)
        goals = QListWidget()
        item = QListWidgetItem("Better known")
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        goals.addItem(item)
        box = QCheckBox("Open favour")
        layout = QVBoxLayout(root)
        layout.addWidget(goals)
        layout.addWidget(box)
        root.resize(300, 200)
        root.show()
        QApplication.processEvents()
        list_image = goals.viewport().grab().toImage()
        row = goals.visualItemRect(item)
        box_image = box.grab().toImage()
        base, window = goals.palette().color(QPalette.ColorRole.Base), box.palette().color(QPalette.ColorRole.Window)
        for image, area, background in (
            (list_image, row.adjusted(0, 0, -(row.width() - 24), 0), base),  # the box at the row's left
            (box_image, box.rect().adjusted(0, 0, -(box.width() - 20), 0), window),
        ):
            best = max(
                contrast(image.pixelColor(x, y), background)
                for x in range(area.left(), area.right())
                for y in range(area.top(), area.bottom())
            )
            assert best >= 3.0, (theme, best)
    finally:
        apply_theme(ThemeChoice.SYSTEM)
        QApplication.processEvents()


@pytest.mark.parametrize("theme", [ThemeChoice.LIGHT, ThemeChoice.DARK])
def test_every_action_icon_can_be_seen_in_both_themes(qtbot, theme: ThemeChoice) -> None:  # type: ignore[no-untyped-def]
    """Each toolbar and row icon, in the variant the theme uses, drawn on the theme's window and base colours: its
    strokes (the darkest or lightest drawn pixel) stand out by at least 3:1."""
    from netdesk import resources
    from netdesk.ui import icons

    apply_theme(theme)
    try:
        palette = QGuiApplication.palette()
        dark = theme is ThemeChoice.DARK
        names = resources.available_action_icons(dark)
        assert len(names) > 20 and names == resources.available_action_icons(not dark)  # every icon has both
        for name in names:
            image = icons._action_icon(name, dark).pixmap(24, 24).toImage()
            strokes = [
                image.pixelColor(x, y)
                for x in range(image.width())
                for y in range(image.height())
                if image.pixelColor(x, y).alpha() > 200
            ]
            assert strokes, name
            for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
                best = max(contrast(colour, palette.color(role)) for colour in strokes)
                assert best >= 3.0, (theme, name, role, best)
    finally:
        apply_theme(ThemeChoice.SYSTEM)
        QApplication.processEvents()
