"""Screenshots of every page in both themes at 1024x700 and 1600x1000 (``make screenshots``), for the README.

Runs the real window over the demo network in a throw-away database, offscreen, and writes
docs/screenshots/<page>-<theme>-<width>x<height>.png; then the welcome page of an empty database
(welcome-<theme>-<width>x<height>.png). Usage: python tests/screenshots.py [OUTPUT_FOLDER]

Git keeps only the few the README shows (see .gitignore); the others are written for looking at.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from netdesk.services import open_netdesk
from netdesk.services.demo import populate_demo
from netdesk.settings import ThemeChoice
from netdesk.ui.duplicates_review import DuplicatesDialog
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View
from netdesk.ui.theme import apply_theme

SIZES = ((1024, 700), (1600, 1000))
THEMES = {"light": ThemeChoice.LIGHT, "dark": ThemeChoice.DARK}


def settle(app: QApplication, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    work = Path(tempfile.mkdtemp(prefix="netdesk-shots-"))
    nd = open_netdesk(work / "demo.sqlite3")
    populate_demo(nd)
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(nd, settings, demo=True)
    window.show()
    while not window.loaded or window.tasks.pending:
        settle(app, 1)
    first = next(r.id for r in window.model.all_rows() if r.organization)
    nd.duplicates.find()
    written = 0
    for theme, choice in THEMES.items():
        apply_theme(choice)
        for width, height in SIZES:
            window.resize(width, height)
            for view in View:
                window.navigation.show_view(view, remember=False)
                if view is View.CONTACTS:
                    window.select_contact(first)
                settle(app)
                while window.tasks.pending:
                    settle(app, 1)
                target = out / f"{view.value}-{theme}-{width}x{height}.png"
                window.grab().save(str(target))
                written += 1
                if view is View.CONTACTS:  # the detail pane's other tabs too
                    for tab in ("Networking", "Timeline"):
                        window.detail.show_tab(tab)
                        settle(app)
                        window.grab().save(str(out / f"contacts-{tab.lower()}-{theme}-{width}x{height}.png"))
                        written += 1
                    window.detail.show_tab("Overview")
            # The duplicates review (Edit → Review duplicates…), over what "Find duplicates" finds in the demo.
            review = DuplicatesDialog(nd, window)
            review.resize(min(width, 1000), min(height, 640))
            review.show()
            settle(app)
            review.grab().save(str(out / f"duplicates-review-{theme}-{width}x{height}.png"))
            review.close()
            review.deleteLater()
            written += 1
    window.ops.close_writes()
    window.tasks.close()
    nd.close()
    written += first_run(app, work, out)
    print(f"{written} screenshots in {out}")
    return 0


def first_run(app: QApplication, work: Path, out: Path) -> int:
    """The welcome page, as an empty database shows it, in both themes and sizes."""
    nd = open_netdesk(work / "empty.sqlite3")
    window = MainWindow(nd, QSettings(str(work / "empty.ini"), QSettings.Format.IniFormat))
    window.show()
    while not window.loaded or window.tasks.pending:
        settle(app, 1)
    written = 0
    for theme, choice in THEMES.items():
        apply_theme(choice)
        for width, height in SIZES:
            window.resize(width, height)
            window.navigation.show_view(View.CONTACTS, remember=False)
            settle(app)
            window.grab().save(str(out / f"welcome-{theme}-{width}x{height}.png"))
            written += 1
    window.ops.close_writes()
    window.tasks.close()
    nd.close()
    return written


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")))
