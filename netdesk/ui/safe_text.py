"""Showing user and imported text safely: never as markup, and links only to the web, mail and phone.

Qt guesses whether a label's or tooltip's text is rich text (``Qt::mightBeRichText``), so a contact named
``<img src="file:///…">`` would render a local file. Labels that show such text are set to plain text; rich
labels escape every value they interpolate; tooltips go through ``plain_tooltip``; links go through
``safe_link``, which only lets http, https, mailto and tel through to the system's opener.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally: explicit rich text with everything escaped."""
    return "<qt>" + escape(text).replace("\n", "<br>") + "</qt>" if text else ""


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label for user text: shown as typed, never interpreted."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def rich_label(html: str = "", parent: QWidget | None = None) -> QLabel:
    """A label whose text NetDesk builds as HTML, every value in it escaped by the caller."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(html)
    return label


def web_address(value: str) -> QUrl | None:
    """The link for a URL field: ``example.org`` means https; any scheme but http(s) is not a link."""
    value = value.strip()
    if not value:
        return None
    if "://" not in value and ":" in value.split("/", 1)[0] and not value.split(":", 1)[1][:1].isdigit():
        return None  # "javascript:…", "file:…": a scheme without "//" (a port like "host:8080" is fine)
    url = QUrl(value if "://" in value else f"https://{value}", QUrl.ParsingMode.StrictMode)
    return url if url.isValid() and url.scheme().lower() in ("http", "https") else None


def safe_link(url: QUrl) -> bool:
    """Whether ``url`` may be handed to the system's opener."""
    return url.isValid() and url.scheme().lower() in SAFE_SCHEMES


def ask(parent: QWidget, text: str, title: str = "NetDesk") -> bool:
    """A yes/no question whose text (often with a name in it) is plain text."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box.exec() == QMessageBox.StandardButton.Yes


def plain_message(box: QMessageBox) -> QMessageBox:
    """``box`` with its text and informative text (paths, imported values, error messages quoting them) shown as
    plain text: call it after setting both."""
    box.setTextFormat(Qt.TextFormat.PlainText)
    for label in box.findChildren(QLabel):
        label.setTextFormat(Qt.TextFormat.PlainText)
    return box
