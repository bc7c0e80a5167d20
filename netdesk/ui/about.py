"""Help → About."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from netdesk import APP_NAME, __version__
from netdesk.ui.icons import app_icon
from netdesk.ui.theme import secondary_text


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        icon = QLabel()
        pixmap = app_icon().pixmap(96, 96)
        if not pixmap.isNull():
            icon.setPixmap(pixmap)
        text = QLabel(
            f"<h2>{APP_NAME} {__version__}</h2>"
            "<p>A desktop contact manager for people who network on purpose.</p>"
            f"<p style='color:{secondary_text().name()}'>"
            f"Python {platform.python_version()} · PySide6 {pyside_version}</p>"
            "<p>MIT licence.</p>"
        )
        text.setObjectName("aboutText")
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(420, 200)
