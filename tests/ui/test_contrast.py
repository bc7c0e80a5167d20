"""Both themes are legible: text and links against their backgrounds reach WCAG AA (4.5:1), computed from the
colours the widgets actually use (their palettes, and the colours NetDesk puts into its own rich text)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel

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
    (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Highlight),
    (QPalette.ColorRole.ToolTipText, QPalette.ColorRole.ToolTipBase),
)


def test_wcag_contrast_formula() -> None:
    assert contrast(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", [ThemeChoice.LIGHT, ThemeChoice.DARK])
def test_every_page_is_legible_in_both_themes(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], sample: dict[str, int], db: NetDesk, theme: ThemeChoice
) -> None:
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
        for view in View:
            window.navigation.show_view(view)
            page = window.navigation.current_page()
            for label in page.findChildren(QLabel):
                if not label.isVisibleTo(page) or not label.text():
                    continue
                own = label.palette()
                ratio = contrast(own.color(label.foregroundRole()), own.color(label.backgroundRole()))
                assert ratio >= 4.5, (theme, view, label.objectName(), label.text()[:40], ratio)
                for found in re.findall(r"(?<!-)color:\s*(#[0-9a-fA-F]{6})", label.styleSheet() + label.text()):
                    assert contrast(QColor(found), own.color(QPalette.ColorRole.Window)) >= 4.5, (theme, found)
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


def _on_chip(colour: str, html: str) -> bool:
    """Tag chips carry their own background: check the text against it instead."""
    for text, background in re.findall(r"(?<!-)color:(#[0-9a-fA-F]{6}); background-color:(#[0-9a-fA-F]{6})", html):
        if text.lower() == colour.lower():
            return contrast(QColor(text), QColor(background)) >= 4.5
    return False
