"""Helpers for tests that drive the main window."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget


def settle(qtbot: Any, window: Any, timeout: int = 10_000) -> None:
    """Wait until the window's writes (and undos) have reached the database and what they changed is shown again:
    writes run on the window's writer thread, and the list and the detail pane re-read on workers."""
    qtbot.waitUntil(lambda: not window.ops.busy and window.tasks.pending == 0, timeout=timeout)


def close_popups(window: Any) -> list[str]:
    """Close every dialog, menu and window an action opened; returns the texts of error boxes among them."""
    errors = []
    for widget in QApplication.topLevelWidgets():
        if widget is window or not widget.isVisible():
            continue
        if isinstance(widget, QMessageBox) and widget.objectName() == "errorBox":
            errors.append(widget.text())
        if isinstance(widget, QDialog):
            widget.reject()
        elif isinstance(widget, QWidget):
            widget.close()
    window.current_dialog = None
    return errors
