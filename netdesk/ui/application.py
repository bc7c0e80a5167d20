"""Start the desktop app: QApplication, one instance per database, main window, tray, files from the command line."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from netdesk import APP_NAME, __version__
from netdesk.paths import default_db_path
from netdesk.services import NetDesk, open_netdesk
from netdesk.settings import KEY_LAST_DATABASE
from netdesk.ui.damaged_database import open_or_recover
from netdesk.ui.icons import app_icon
from netdesk.ui.main_window import MainWindow
from netdesk.ui.preferences import apply_preferences, load_preferences
from netdesk.ui.single_instance import forward_to_running_instance, serve_window
from netdesk.ui.tray import TrayController

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
    make_settings_private(QSettings().fileName())
    return app


def make_settings_private(file_name: str) -> None:
    """The settings file (it names the databases used) is readable by its owner only: created 0600 before QSettings
    first writes it (QSettings keeps an existing file's mode), an existing one tightened, its folder 0700."""
    path = Path(file_name)
    if not path.is_absolute() or not hasattr(os, "getuid"):  # the Windows registry, or ACLs
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent.stat().st_uid == os.getuid() and path.parent.stat().st_mode & 0o077:
            os.chmod(path.parent, 0o700)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        elif path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
    except OSError:  # a read-only home: nothing to protect there, and the app still starts
        pass


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


def database_to_open(explicit: Path | None, settings: QSettings) -> Path:
    """--db, else $NETDESK_DB, else the database used last (if it still exists), else the default one."""
    if explicit is not None:
        return explicit.expanduser().absolute()
    if not os.environ.get("NETDESK_DB"):
        last = settings.value(KEY_LAST_DATABASE)
        if last and Path(str(last)).is_file():
            return Path(str(last))
    return default_db_path().absolute()


def start(db: Path | None, *, files: list[Path], smoke_test: bool = False, demo: bool = False) -> int:
    """The GUI start from the command line: hand over to a running instance, or open the database and run."""
    application()  # QSettings needs the organisation and application names
    settings = QSettings()
    files = [f.expanduser().absolute() for f in files]
    if demo:
        from netdesk.services.demo import populate_demo

        nd = open_netdesk(Path(tempfile.mkdtemp(prefix="netdesk-demo-")) / "demo.sqlite3")
        populate_demo(nd)
    else:
        path = database_to_open(db, settings)
        if forward_to_running_instance(path, files):
            print(f"netdesk: {path.name} is already open; passed it on to that window", file=sys.stderr)
            return 0
        # Damaged, locked, read-only or unknown: a dialog says why and offers a backup, another database or quitting.
        opened = open_or_recover(path, ask=not smoke_test)
        if opened is None:
            return 1
        nd = opened
        if not smoke_test and nd.path is not None:
            settings.setValue(KEY_LAST_DATABASE, str(nd.path.absolute()))
    try:
        return run_gui(nd, files=files, smoke_test=smoke_test, demo=demo)
    finally:
        nd.close()


def run_gui(nd: NetDesk, *, files: list[Path], smoke_test: bool = False, demo: bool = False) -> int:
    """Show the main window and run the event loop; returns the process exit status."""
    app = application()
    apply_preferences(load_preferences(QSettings()), nd)
    window = MainWindow(nd, demo=demo)
    if nd.path is not None and not demo:
        serve_window(window, nd.path)  # later starts on this database come here instead
    TrayController(window)  # daily chores and due notifications; lives as long as the window
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
