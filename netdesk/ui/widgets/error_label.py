"""The red line under a form that says what is wrong, in every dialog and page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from netdesk.ui.theme import error_text


def error_label(name: str) -> QLabel:
    """A hidden, word-wrapped label named ``name``: plain text (messages quote what was typed) in a red that reads
    in the theme in use."""
    label = QLabel()
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {error_text().name()};")
    label.setWordWrap(True)
    label.hide()
    return label
