"""The red line under a form that says what is wrong, in every dialog and page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from netdesk.ui.theme import error_style, themed_style_sheet


def error_label(name: str) -> QLabel:
    """A hidden, word-wrapped label named ``name``: plain text (messages quote what was typed) in a red that reads
    in the theme in use."""
    label = QLabel()
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    themed_style_sheet(label, error_style)
    label.setWordWrap(True)
    label.hide()
    return label
