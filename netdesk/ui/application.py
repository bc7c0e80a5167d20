"""Start the desktop app: QApplication, main window, files from the command line, the smoke test."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from netdesk import APP_NAME, __version__
from netdesk.services import NetDesk
from netdesk.ui.icons import app_icon
from netdesk.ui.main_window import MainWindow

SMOKE_TEST_TIMEOUT_MS = 60_000


def application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(APP_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("io.github.netdesk.NetDesk")
    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)
    return app


def _report_startup(app: QApplication, window: MainWindow) -> None:
    """For the start-up benchmark: wall-clock times when the window is on screen and when the list is filled."""
    app.processEvents()
    print(f"window-shown-at={time.time():.4f}", file=sys.stderr, flush=True)

    def loaded() -> None:
        print(f"list-loaded-at={time.time():.4f}", file=sys.stderr, flush=True)

    if window.loaded:
        loaded()
    else:
        window.contacts_loaded.connect(loaded)


def run_gui(nd: NetDesk, *, files: list[Path], smoke_test: bool = False, demo: bool = False) -> int:
    """Show the main window and run the event loop; returns the process exit status."""
    app = application()
    window = MainWindow(nd, demo=demo)
    window.show()
    if os.environ.get("NETDESK_REPORT_STARTUP"):
        _report_startup(app, window)
    if files:
        window.import_files(files)
    if smoke_test:
        outcome = {"status": 1}

        def loaded() -> None:
            # Files from the command line must be imported before the smoke test may end.
            if window.import_running:
                window.import_finished.connect(lambda: QTimer.singleShot(0, loaded))
                return
            outcome["status"] = 0
            window.close()
            app.quit()

        def timed_out() -> None:
            print("netdesk: smoke test timed out waiting for the contact list", file=sys.stderr)
            window.close()
            app.quit()

        if window.loaded:
            QTimer.singleShot(0, loaded)
        else:
            window.contacts_loaded.connect(loaded)
        QTimer.singleShot(SMOKE_TEST_TIMEOUT_MS, timed_out)
        app.exec()
        return outcome["status"]
    status = app.exec()
    window.tasks.close()
    return int(status)
