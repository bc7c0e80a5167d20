"""The contact list repaints only when what it shows changes: a dialog opening over the window does not repaint it
while its cells would look the same in an inactive window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QDialog

from netdesk.ui.main_window import MainWindow


class Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def paints_while_a_dialog_opens_and_closes(qtbot, window: MainWindow) -> int:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.loaded and window.tasks.pending == 0)
    qtbot.wait(50)
    paints = Paints()
    window.table.viewport().installEventFilter(paints)
    dialog = QDialog(window)
    dialog.open()
    qtbot.waitUntil(lambda: not window.isActiveWindow())
    qtbot.wait(50)
    dialog.accept()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.wait(50)
    window.table.viewport().removeEventFilter(paints)
    return paints.count


def test_a_dialog_over_the_window_does_not_repaint_the_list(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    palette = window.table.palette()
    for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.Window):
        palette.setColor(QPalette.ColorGroup.Inactive, role, palette.color(QPalette.ColorGroup.Active, role))
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Window, QColor(200, 10, 10))  # never painted
    window.table.setPalette(palette)
    assert paints_while_a_dialog_opens_and_closes(qtbot, window) == 0


def test_the_list_repaints_when_an_inactive_window_shows_its_selection_otherwise(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    palette = window.table.palette()
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, QColor(200, 200, 200))
    palette.setColor(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight, QColor(38, 110, 170))
    window.table.setPalette(palette)
    assert paints_while_a_dialog_opens_and_closes(qtbot, window) >= 1
