"""Start the desktop app: QApplication, one instance per database, main window, tray, files from the command line."""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from netdesk import APP_NAME, __version__
from netdesk.paths import default_db_path
from netdesk.settings import KEY_HOME_VIEW, KEY_LAST_DATABASE
from netdesk.ui.icons import app_icon
from netdesk.ui.main_window import MainWindow
from netdesk.ui.single_instance import InstanceServer, forward_to_running_instance, serve_early, serve_window
from netdesk.ui.workers import prefer_gui_thread

if TYPE_CHECKING:
    from netdesk.services import NetDesk

SMOKE_TEST_TIMEOUT_MS = 60_000
T = TypeVar("T")


def application() -> QApplication:
    prefer_gui_thread()  # before the QApplication: Qt reads QT_NO_GUI_THREADPOOL once
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


def _reporting_startup() -> bool:
    """Whether to print (for the start-up benchmark) the wall-clock times when the window's frame is on screen, when
    the list is filled and when the window is built over the open database (its writes, pages and details)."""
    return bool(os.environ.get("NETDESK_REPORT_STARTUP"))


def show_frame(app: QApplication, settings: QSettings | None = None) -> MainWindow:
    """Show the main window's frame (title, tool bar, "Loading contacts…") before the services are imported."""
    window = MainWindow(None, settings)
    window.show()
    app.processEvents()  # on screen, painted
    if _reporting_startup():
        print(f"window-shown-at={time.time():.4f}", file=sys.stderr, flush=True)
    return window


def run_while_responsive(app: QApplication, work: Callable[[], T]) -> T:
    """``work()`` (Qt-free: importing the services, opening the database) on a thread while the event loop keeps the
    shown frame painted and movable; its exception is raised here."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the GUI thread, which raises it
            failure.append(exc)

    thread = threading.Thread(target=run, name="netdesk-start", daemon=True)
    thread.start()
    while thread.is_alive():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        thread.join(0.01)
    if failure:
        raise failure[0]
    return outcome[0]


def _report_list_loaded() -> None:
    print(f"list-loaded-at={time.time():.4f}", file=sys.stderr, flush=True)


def show_rows_early(app: QApplication, window: MainWindow, path: Path, settings: QSettings) -> None:
    """Fill the frame's list from the database file before the services are imported, when the window opens on
    the Contacts page and the file passes the open's checks (whole, at the newest schema revision: anything else is
    left to the open, which refuses it unchanged, offers a way out or upgrades it first)."""
    if settings.value(KEY_HOME_VIEW) != "contacts":  # another page (Due on a first start) shows first: not the list
        return
    from netdesk.services.early_rows import rows_before_open

    rows = run_while_responsive(app, lambda: rows_before_open(path))
    if not rows or not window.isVisible():  # an empty database shows its welcome page instead
        return
    window.show_rows(rows)
    app.processEvents()  # on screen, painted
    if _reporting_startup():
        _report_list_loaded()


def _import_services() -> None:
    importlib.import_module("netdesk.services.app")
    importlib.import_module("phonenumbers")  # opening a database sets its phone region


def _open_quietly(path: Path) -> NetDesk | None:
    """Import the services and open ``path`` (for run_while_responsive); None when the open fails: the GUI thread
    opens it again, where a dialog can say why and offer the ways out."""
    _import_services()
    from netdesk.core.errors import NetDeskError
    from netdesk.services import open_netdesk

    try:
        return open_netdesk(path)
    except NetDeskError:
        return None


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
    """The GUI start from the command line: hand over to a running instance, or show the window's frame, open the
    database and run."""
    app = application()  # QSettings needs the organisation and application names
    settings = QSettings()
    files = [f.expanduser().absolute() for f in files]
    path = None if demo else database_to_open(db, settings)
    if path is not None and forward_to_running_instance(path, files):
        print(f"netdesk: {path.name} is already open; passed it on to that window", file=sys.stderr)
        return 0
    window = show_frame(app)
    server, early_files = serve_early(window, path) if path is not None else (None, [])
    if path is None:
        run_while_responsive(app, _import_services)
        from netdesk.services import open_netdesk
        from netdesk.services.demo import populate_demo

        nd = open_netdesk(Path(tempfile.mkdtemp(prefix="netdesk-demo-")) / "demo.sqlite3")
        populate_demo(nd)
    else:
        show_rows_early(app, window, path, settings)
        opened = run_while_responsive(app, lambda: _open_quietly(path))
        if opened is None:
            from netdesk.ui.damaged_database import open_or_recover

            window.drop_rows()  # what is opened next may be another file, or a backup restored over this one

            # Damaged, locked, read-only or unknown: a dialog says why and offers a backup, another database or
            # quitting.
            opened = open_or_recover(path, ask=not smoke_test, parent=window)
        if opened is None:
            window.close()
            return 1
        nd = opened
        if not smoke_test and nd.path is not None:
            settings.setValue(KEY_LAST_DATABASE, str(nd.path.absolute()))
    try:
        if not window.isVisible():  # closed while the database opened
            return 0
        return run_gui(
            nd, files=files, smoke_test=smoke_test, demo=demo, window=window, server=server, early_files=early_files
        )
    finally:
        nd.close()


def run_gui(
    nd: NetDesk,
    *,
    files: list[Path],
    smoke_test: bool = False,
    demo: bool = False,
    window: MainWindow | None = None,
    server: InstanceServer | None = None,
    early_files: list[Path] | None = None,
) -> int:
    """Build the main window over ``nd`` (in the frame ``window`` when start-up showed one) and run the event loop;
    returns the process exit status."""
    from netdesk.ui.preferences import apply_preferences, load_preferences
    from netdesk.ui.tray import TrayController

    app = application()
    apply_preferences(load_preferences(QSettings()), nd)
    reported = window is not None and window.early_model is not None  # the frame showed the rows (show_rows_early)
    if window is None:
        window = MainWindow(nd, demo=demo)
    else:
        window.attach(nd, demo=demo)
    if _reporting_startup():
        print(f"window-built-at={time.time():.4f}", file=sys.stderr, flush=True)
    if nd.path is not None and not demo:
        serve_window(window, nd.path, server)  # later starts on this database come here instead
    files = [*files, *(early_files or ())]  # with what starts handed over while the database opened
    TrayController(window)  # daily chores and due notifications; lives as long as the window
    window.show()
    if _reporting_startup() and not reported:
        if window.loaded:
            _report_list_loaded()
        else:
            window.contacts_loaded.connect(_report_list_loaded)
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
