"""File → Open database…, New database…, the demo network, and Edit → Preferences….

Switching databases closes the old one only after its background work has finished, clears the undo history
(its steps are SQL for the other file) and tells the rest of the window through ``database_closing`` and
``database_changed``.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from netdesk import APP_NAME
from netdesk.core.changes import ChangeSet
from netdesk.core.errors import NetDeskError
from netdesk.services import NetDesk, open_netdesk
from netdesk.settings import KEY_LAST_DATABASE, Preferences
from netdesk.ui.controllers.contact_list import ContactListController
from netdesk.ui.controllers.host import Host
from netdesk.ui.controllers.transfer import TransferController
from netdesk.ui.icons import action_icon
from netdesk.ui.ops import failure_text, show_error
from netdesk.ui.preferences import PreferencesDialog, apply_preferences, load_preferences, save_preferences
from netdesk.ui.safe_text import plain_message
from netdesk.ui.single_instance import forward_to_running_instance
from netdesk.ui.sync_ui import SyncController, add_accounts_button
from netdesk.ui.workers import TaskRunner


class DatabaseController(QObject):
    database_changed = Signal(object)  # the Path of the database the window switched to
    database_closing = Signal()  # the window is about to close, or to switch away from, its database
    preferences_changed = Signal(object)  # the Preferences just saved

    def __init__(
        self,
        host: Host,
        contacts: ContactListController,
        transfer: TransferController,
        sync_ui: SyncController,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.list = contacts
        self.transfer = transfer
        self.sync_ui = sync_ui
        window = host.window()
        self.open_database_action = QAction(action_icon(""), "&Open database…", window)
        self.open_database_action.setObjectName("openDatabaseAction")
        self.open_database_action.triggered.connect(lambda _checked=False: self.choose_database(new=False))
        self.new_database_action = QAction(action_icon(""), "Ne&w database…", window)
        self.new_database_action.setObjectName("newDatabaseAction")
        self.new_database_action.triggered.connect(lambda _checked=False: self.choose_database(new=True))
        self.preferences_action = QAction(action_icon("settings"), "&Preferences…", window)
        self.preferences_action.setObjectName("preferencesAction")
        self.preferences_action.setShortcut("Ctrl+,")
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.preferences_action.triggered.connect(lambda _checked=False: self.show_preferences())
        window.addActions([self.open_database_action, self.new_database_action, self.preferences_action])
        host.bus.changed.connect(self._changes_published)
        if host.nd.backups is not None:
            host.nd.backups.keep = load_preferences(host.settings).backups_kept

    def choose_database(self, new: bool) -> None:
        """A file prompt (Qt's own, so it opens without blocking); the window then switches to the chosen file."""
        dialog = QFileDialog(self.host.window())
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setObjectName("newDatabaseDialog" if new else "openDatabaseDialog")
        dialog.setWindowTitle("New database" if new else "Open database")
        dialog.setNameFilters(["NetDesk databases (*.sqlite3 *.sqlite *.db)", "All files (*)"])
        if self.host.nd.path is not None:
            dialog.setDirectory(str(self.host.nd.path.parent))
        if new:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setFileMode(QFileDialog.FileMode.AnyFile)
            dialog.setDefaultSuffix("sqlite3")
            dialog.selectFile("contacts.sqlite3")
        else:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda chosen: self.open_database(Path(chosen), new=new))
        self.host.show_dialog(dialog)

    def open_database(self, path: Path, new: bool = False) -> bool:
        """Switch the window to the database at ``path``; False (with a message box) when it cannot be opened."""
        status = self.host.statusBar()
        path = path.expanduser().absolute()
        current = self.host.nd.path
        if current is not None and path.exists() and path.resolve() == current.resolve():
            status.showMessage(f"{path.name} is already open.", 6000)
            return True
        if self.transfer.import_running:
            status.showMessage("Wait for the import to finish before opening another database.", 6000)
            return False
        if not new and path.is_file() and forward_to_running_instance(path):
            # Another NetDesk window has it open (and now comes forward): two windows on one database would each
            # show the other's changes late, and both would take the daily backups.
            status.showMessage(f"{path.name} is open in another NetDesk window; switched to that one.", 8000)
            return False
        problem = ""
        if new and path.exists():
            problem = "A file with that name already exists; choose File → Open database… to open it."
        elif not new and not path.is_file():
            problem = "There is no such file."
        nd: NetDesk | None = None
        if not problem:
            try:
                nd = open_netdesk(path)
            except Exception as exc:  # a newer schema, not a database at all, an unwritable folder …
                problem = str(exc) if isinstance(exc, NetDeskError) else f"It is not a NetDesk database ({exc})."
        if nd is None:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Cannot open database",
                f"NetDesk cannot open {path}.",
                QMessageBox.StandardButton.Ok,
                self.host.window(),
            )
            box.setObjectName("openDatabaseFailedBox")
            box.setInformativeText(problem)
            self.host.show_dialog(plain_message(box))  # a file name can hold anything
            return False
        self._switch_to(nd)
        return True

    def _switch_to(self, nd: NetDesk) -> None:
        host = self.host
        # Background queries on the old database finish (their results dropped) before it is closed.
        old, old_tasks = host.nd, host.tasks
        self.sync_ui.close()
        host.ops.close_writes()  # queued writes reach the old database before it closes
        old_tasks.close()
        self.database_closing.emit()  # views stop their own background loads
        host.tasks = TaskRunner(host.window())
        host.nd = nd
        self.sync_ui.set_netdesk(nd)
        old.close()
        host.ops.clear_history()  # its steps are SQL for the other database
        self.list.reset()
        path = nd.path
        host.setWindowTitle(f"{APP_NAME} — {path.name if path else 'in-memory database'}")
        self.transfer.database_switched()
        apply_preferences(load_preferences(host.settings), nd)
        if path is not None:
            host.settings.setValue(KEY_LAST_DATABASE, str(path))
        self.list.reload_and_say(f"Opened {path.name if path else 'the database'}")
        self.database_changed.emit(path)

    def open_demo(self) -> None:
        """The demo network in a throw-away database (the user's own stays the one NetDesk opens next time)."""
        from netdesk.services.demo import populate_demo

        host = self.host
        keep = host.settings.value(KEY_LAST_DATABASE)
        path = Path(tempfile.mkdtemp(prefix="netdesk-demo-")) / "demo.sqlite3"
        host.statusBar().showMessage("Building the demo network…")

        def build() -> Path:
            nd = open_netdesk(path)
            try:
                populate_demo(nd)
            finally:
                nd.close()
            return path

        def built(demo: Path) -> None:
            if self.open_database(demo):
                host.setWindowTitle(f"{APP_NAME} — demo network")
                if keep is not None:
                    host.settings.setValue(KEY_LAST_DATABASE, keep)
                else:
                    host.settings.remove(KEY_LAST_DATABASE)

        def failed(exc: BaseException) -> None:
            show_error(host.window(), "Could not open the demo", failure_text(exc))

        host.tasks.submit(build, built, failed)

    def show_preferences(self) -> None:
        host = self.host
        prefs = dataclasses.replace(load_preferences(host.settings), phone_region=host.nd.settings.phone_region() or "")
        dialog = PreferencesDialog(prefs, host.window(), host.nd)
        add_accounts_button(dialog, self.sync_ui.show_accounts)
        host.open_dialog(dialog, lambda: self.set_preferences(dialog.preferences()))

    def set_preferences(self, prefs: Preferences) -> None:
        """Store ``prefs`` and make them take effect at once. A new phone region renormalises every stored number:
        a write like any other (on the writer thread, undoable, the lists refresh from the bus)."""
        host = self.host
        save_preferences(host.settings, prefs)
        settings, stored, region = host.nd.settings, host.nd.settings.phone_region(), prefs.phone_region
        # A database with no region yet gets it here and now, as at the app's start; a change goes through Ops.
        apply_preferences(dataclasses.replace(prefs, phone_region=stored or region), host.nd)
        if stored and region and region != stored:
            host.ops.run(lambda: settings.set_phone_region(region), title="Could not change the phone region")
        self.preferences_changed.emit(prefs)

    def _changes_published(self, changes: ChangeSet) -> None:
        if "settings" in changes.records:  # the phone region written, undone or redone: numbers typed next follow it
            self.host.nd.settings.apply()
