"""QIcon helpers over netdesk.resources, falling back to the style's standard icons (or none) when missing."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from netdesk import resources


def _dark_theme() -> bool:
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def app_icon() -> QIcon:
    """The application icon with every rendered size, or an empty icon when the resources are absent."""
    icon = QIcon()
    for size in resources.APP_ICON_SIZES:
        try:
            icon.addFile(str(resources.app_icon_path(size)))
        except (FileNotFoundError, ValueError):
            continue
    return icon


@cache
def _action_icon(name: str, dark: bool) -> QIcon:
    try:
        return QIcon(str(resources.action_icon_path(name, dark)))
    except FileNotFoundError:
        return QIcon()


_FALLBACKS = {
    "delete": QStyle.StandardPixmap.SP_TrashIcon,
    "trash": QStyle.StandardPixmap.SP_TrashIcon,
    "undo": QStyle.StandardPixmap.SP_ArrowBack,
    "redo": QStyle.StandardPixmap.SP_ArrowForward,
    "about": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "organization": QStyle.StandardPixmap.SP_DirIcon,
    "person": QStyle.StandardPixmap.SP_FileIcon,
}


def action_icon(name: str) -> QIcon:
    """The themed SVG for action ``name``; a standard style icon (or nothing) when it is not installed."""
    icon = _action_icon(name, _dark_theme())
    if icon.isNull() and name in _FALLBACKS:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            return app.style().standardIcon(_FALLBACKS[name])
    return icon
