"""File → Import, Export, Back up now and Restore backup…, and files or folders dropped on the window.

Imports, exports and backups run off the GUI thread; an import shows a cancellable progress dialog and ends with
its report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from netdesk.core.errors import NetDeskError
from netdesk.services.backup import BackupInfo
from netdesk.ui.backup_dialog import BackupDialog
from netdesk.ui.controllers.contact_list import ContactListController
from netdesk.ui.controllers.host import Host
from netdesk.ui.icons import action_icon
from netdesk.ui.import_dialog import (
    LINKEDIN_FILTER,
    ImportJob,
    ImportProgressDialog,
    ImportReportDialog,
    import_file_dialog,
    importable,
)
from netdesk.ui.preferences import load_preferences
from netdesk.ui.safe_text import plain_message

if TYPE_CHECKING:
    from netdesk.services.importing import ImportReport
    from netdesk.ui.export_dialog import ExportRequest, ExportScope


def dropped_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders in a drop that NetDesk can import."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if importable(p)]


class TransferController(QObject):
    import_finished = Signal()  # after any import ends: done, cancelled or failed

    def __init__(self, host: Host, contacts: ContactListController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.list = contacts
        self._import_job: ImportJob | None = None
        window = host.window()

        def action(text: str, slot: Callable[[], object], name: str, icon: str, shortcut: str = "") -> QAction:
            item = QAction(action_icon(icon), text, window)
            item.setObjectName(name)
            if shortcut:
                item.setShortcut(shortcut)
            item.triggered.connect(lambda _checked=False: slot())
            window.addAction(item)
            return item

        self.import_action = action("&Import…", self.choose_import_files, "importAction", "import", "Ctrl+I")
        self.import_folder_action = action("Import &folder…", self.choose_import_folder, "importFolderAction", "import")
        # Ctrl+E is taken by Edit contact, so export uses Ctrl+Shift+E.
        self.export_action = action("&Export…", self.export_contacts, "exportAction", "export", "Ctrl+Shift+E")
        self.backup_action = action("&Back up now", self.back_up_now, "backupAction", "backup")
        self.restore_action = action("&Restore backup…", self.show_backups, "restoreBackupAction", "restore")
        self.database_switched()

    def database_switched(self) -> None:
        has_file = self.host.nd.backups is not None  # an in-memory database has nothing to back up
        self.backup_action.setEnabled(has_file)
        self.restore_action.setEnabled(has_file)

    # --- importing ----------------------------------------------------------------------------------------

    def choose_import_files(self, name_filter: str = "") -> None:
        """The import's file dialog; ``name_filter`` (one of IMPORT_FILTERS) picks which files it shows first."""
        dialog = import_file_dialog(self.host.window())
        if name_filter:
            dialog.selectNameFilter(name_filter)
        dialog.filesSelected.connect(lambda files: self.import_files([Path(f) for f in files]))
        self.host.show_dialog(dialog)

    def choose_linkedin_export(self) -> None:
        self.choose_import_files(LINKEDIN_FILTER)

    def choose_import_folder(self) -> None:
        dialog = import_file_dialog(self.host.window(), folder=True)
        dialog.fileSelected.connect(lambda folder: self.import_files([Path(folder)]))
        self.host.show_dialog(dialog)

    @property
    def import_running(self) -> bool:
        return self._import_job is not None

    def cancel_import(self) -> None:
        if self._import_job is not None:
            self._import_job.cancel()  # the import rolls back instead of holding up the close

    def import_files(self, paths: Sequence[Path]) -> None:
        """Import files and folders off the GUI thread with a cancellable progress dialog, then show the report."""
        if not paths:
            return
        host = self.host
        if self._import_job is not None:
            host.statusBar().showMessage("An import is already running; wait for it or cancel it first.", 6000)
            return
        job = ImportJob(host.nd, paths, self)
        self._import_job = job
        progress = ImportProgressDialog(job, host.window())
        job.finished.connect(lambda report: self._import_done(job, progress, report))
        job.failed.connect(lambda exc: self._import_failed(job, progress, exc))
        host.show_dialog(progress)
        job.start(host.ops)

    def _end_import(self, job: ImportJob, progress: ImportProgressDialog) -> None:
        self._import_job = None
        progress.accept()  # accept(), not reject(): reject() means "cancel" for this dialog
        job.deleteLater()
        self.import_finished.emit()

    def _import_done(self, job: ImportJob, progress: ImportProgressDialog, report: ImportReport) -> None:
        self._end_import(job, progress)
        if report.cancelled:
            self.host.statusBar().showMessage("Import cancelled — nothing was saved.", 8000)
            return
        # The report opens in the next event-loop pass: the progress dialog's closing (a repaint of the window as it
        # becomes active again) and the change-set's refresh were one slice of the GUI thread, and the report's own
        # opening (built, shown, the window repainted inactive) doubled it (bench_gui_stall: import in the app).
        window = self.host.window()
        QTimer.singleShot(0, self, lambda: self.host.show_dialog(ImportReportDialog(report, window)))
        # The list already follows the import's change set (contacts_changed): no reload of every row.
        self.host.statusBar().showMessage(f"Import finished: {report.summary()}", 10000)

    def _import_failed(self, job: ImportJob, progress: ImportProgressDialog, exc: BaseException) -> None:
        self._end_import(job, progress)
        message = str(exc) if isinstance(exc, NetDeskError) else f"The import failed: {exc}"
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Import failed", message, QMessageBox.StandardButton.Ok, self.host.window()
        )
        box.setObjectName("importFailedBox")
        self.host.show_dialog(plain_message(box))  # the message may quote the file

    # --- exporting ----------------------------------------------------------------------------------------

    def export_scopes(self) -> list[ExportScope]:
        """All contacts, the selection and the current filter, each with how many contacts it covers."""
        from netdesk.ui.export_dialog import ExportScope  # with the export formats: loaded when first used

        contacts = self.host.nd.contacts
        selected = tuple(self.list.selected_ids())
        scopes = [
            ExportScope("all", "All contacts", contacts.count()),
            ExportScope("selection", "Selected contacts", len(selected), ids=selected),
        ]
        query, tag = self.list.current_filter()
        if self.list.organization is not None or self.list.starred_filter:
            shown = tuple(self.list.shown_ids())
            organization = self.list.organization
            what = f"People at {organization}" if organization is not None else "Starred contacts"
            what += f" matching “{query}”" if query else ""
            scopes.append(ExportScope("filter", what, len(shown), ids=shown))
        elif query or tag:
            what = " and ".join(
                part for part in (f"matching “{query}”" if query else "", f"tagged “{tag}”" if tag else "") if part
            )
            count = len(contacts.search_ids(query, tag))
            scopes.append(ExportScope("filter", f"Contacts {what}", count, query=query, tag=tag))
        else:
            scopes.append(ExportScope("filter", "The current search or tag (none active)", 0))
        return scopes

    def export_contacts(self) -> None:
        from netdesk.ui.export_dialog import ExportDialog

        version = load_preferences(self.host.settings).export_vcard_version
        dialog = ExportDialog(self.export_scopes(), self.host.window(), vcard_version=version)
        dialog.accepted.connect(lambda: self._choose_export_target(dialog.request()))
        self.host.show_dialog(dialog)

    def _choose_export_target(self, request: ExportRequest | None) -> None:
        from netdesk.ui.export_dialog import export_target_dialog

        if request is None:
            return
        start = self.host.settings.value("export/folder", str(Path.home()))
        dialog = export_target_dialog(request.fmt, Path(str(start)), self.host.window())
        dialog.fileSelected.connect(lambda target: self.export_to(request, Path(target)))
        self.host.show_dialog(dialog)

    def export_to(self, request: ExportRequest, target: Path) -> None:
        """Write the export off the GUI thread; the status bar tells how many contacts were written."""
        host = self.host
        scope = request.scope
        exports = host.nd.exports
        host.settings.setValue("export/folder", str(target if target.is_dir() else target.parent))
        host.statusBar().showMessage(f"Exporting {scope.count:,} contacts to {target.name}…")

        def run() -> int:
            ids = list(scope.ids) if scope.ids is not None else None
            return exports.export(request.fmt, target, ids=ids, query=scope.query, tag=scope.tag)

        def done(count: int) -> None:
            noun = "contact" if count == 1 else "contacts"
            host.statusBar().showMessage(f"Exported {count:,} {noun} to {target}", 10000)

        def failed(exc: BaseException) -> None:
            self.list.report_error(f"The export failed: {exc}")

        host.tasks.submit(run, done, failed)

    # --- backups ------------------------------------------------------------------------------------------

    def back_up_now(self) -> None:
        host = self.host
        backups = host.nd.backups
        if backups is None:
            return
        host.statusBar().showMessage("Backing up…")

        def done(info: BackupInfo) -> None:
            host.statusBar().showMessage(f"Backed up {info.contact_count or 0:,} contacts to {info.path.name}", 8000)

        host.tasks.submit(
            lambda: backups.create("manual"), done, lambda exc: self.list.report_error(f"Backup failed: {exc}")
        )

    def show_backups(self) -> None:
        if self.host.nd.backups is None:
            return
        if self._import_job is not None:
            self.host.statusBar().showMessage("Wait for the import to finish before restoring a backup.", 6000)
            return
        dialog = BackupDialog(self.host.nd.backups, self.host.window())
        dialog.restored.connect(self._backup_restored)
        self.host.show_dialog(dialog)

    def _backup_restored(self, safety: BackupInfo) -> None:
        # Every id the undo history and the list hold may be gone; the engine reconnects to the restored file lazily.
        self.host.ops.clear_history()
        self.list.table.clearSelection()
        self.list.show_detail(None)
        self.list.reload_and_say(f"Backup restored; the previous state was saved as {safety.path.name}.")
