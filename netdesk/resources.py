"""Locate NetDesk's bundled resources (icons, desktop entry, metainfo) from a source checkout or a frozen build.

No Qt here: the UI wraps these paths in ``QIcon`` itself, and the CLI or tests can use them without a
QApplication. A source checkout keeps them in ``<repo>/resources``; a PyInstaller build puts the same
tree at ``sys._MEIPASS/resources`` (see packaging/netdesk.spec).
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_ICON_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256, 512)


def resources_root() -> Path:
    """The ``resources`` folder: inside the PyInstaller bundle when frozen, else beside the package."""
    bundle_dir = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle_dir:
        return Path(bundle_dir) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a file or folder under the resources root; it is not checked for existence."""
    return resources_root().joinpath(*parts)


def app_icon_path(size: int = 256) -> Path:
    """The application icon PNG rendered at ``size`` px.

    A size without its own rendering gets the smallest larger one (Qt scales down cleanly), or the
    largest there is when ``size`` exceeds them all.
    """
    if size <= 0:
        raise ValueError(f"icon size must be positive, got {size}")
    chosen = next((available for available in APP_ICON_SIZES if available >= size), APP_ICON_SIZES[-1])
    path = resource_path("icons", "app", f"netdesk-{chosen}.png")
    if not path.is_file():
        raise FileNotFoundError(f"application icon netdesk-{chosen}.png not found at {path}")
    return path


def action_icon_path(name: str, dark: bool = False) -> Path:
    """The SVG for action ``name`` (e.g. ``"new-contact"``); ``dark=True`` gives light strokes for dark themes."""
    variant = "dark" if dark else "light"
    # Reject path tricks so a name can only ever pick a file in the icon folder.
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise FileNotFoundError(f"action icon {name!r} ({variant}) not found: not a valid icon name")
    path = resource_path("icons", "actions", variant, f"{name}.svg")
    if not path.is_file():
        raise FileNotFoundError(f"action icon {name!r} ({variant}) not found at {path}")
    return path


def available_action_icons(dark: bool = False) -> list[str]:
    """Names of every action icon in one variant, sorted; lets the UI or a test enumerate them."""
    folder = resource_path("icons", "actions", "dark" if dark else "light")
    return sorted(path.stem for path in folder.glob("*.svg"))
