"""File → Restore backup…: the database's backups (date, reason, contacts, size); restore one after a confirmation."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.errors import NetDeskError
from netdesk.services.backup import BackupInfo, BackupService
from netdesk.ui.icons import action_icon
from netdesk.ui.safe_text import plain_tooltip

REASONS = {
    "manual": "Backed up by hand",
    "daily": "Daily",
    "before-import": "Before an import",
    "before-migration": "Before a database upgrade",
    "before-restore": "Before a restore",
}


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"  # unreachable; keeps type checkers content


class BackupDialog(QDialog):
    # Emitted with the safety backup taken of the state that was replaced.
    restored = Signal(object)
    backed_up = Signal(object)

    def __init__(self, backups: BackupService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupDialog")
        self.setWindowTitle("Backups")
        self.resize(640, 400)
        self._backups = backups
        self.backups: list[BackupInfo] = []
        self.confirm_box: QMessageBox | None = None
        info = QLabel(
            f"Backups are kept in {backups.folder}. NetDesk takes one before every import and database upgrade, "
            "once a day, and whenever you ask."
        )
        info.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("backupTable")
        self.table.setHorizontalHeaderLabels(["Date", "Reason", "Contacts", "Size"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._sync_buttons)
        self.table.itemActivated.connect(lambda _item: self.ask_restore())
        self.backup_button = QPushButton(action_icon("backup"), "Back up now")
        self.backup_button.setObjectName("backupNowButton")
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton(action_icon("restore"), "Restore…")
        self.restore_button.setObjectName("restoreBackupButton")
        self.restore_button.clicked.connect(self.ask_restore)
        self.status_label = QLabel()
        self.status_label.setObjectName("backupStatus")
        self.status_label.setWordWrap(True)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(self.table)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.backups = self._backups.list()
        self.table.setRowCount(len(self.backups))
        for row, backup in enumerate(self.backups):
            date = QTableWidgetItem(backup.created_at.strftime("%d %b %Y %H:%M:%S"))
            date.setToolTip(plain_tooltip(str(backup.path)))
            reason = QTableWidgetItem(REASONS.get(backup.reason, backup.reason.replace("-", " ").capitalize()))
            count = QTableWidgetItem("?" if backup.contact_count is None else f"{backup.contact_count:,}")
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            size = QTableWidgetItem(human_size(backup.size_bytes))
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column, item in enumerate((date, reason, count, size)):
                self.table.setItem(row, column, item)
        self._sync_buttons()

    def selected_backup(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def select_backup(self, row: int) -> None:
        self.table.selectRow(row)

    def _sync_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected_backup() is not None)

    def back_up_now(self) -> None:
        try:
            info = self._backups.create("manual")
        except (NetDeskError, OSError) as exc:
            self.status_label.setText(f"The backup failed: {exc}")
            return
        self.reload()
        self.status_label.setText(f"Backed up {info.contact_count or 0:,} contacts.")
        self.backed_up.emit(info)

    def ask_restore(self) -> None:
        backup = self.selected_backup()
        if backup is None:
            return
        when = backup.created_at.strftime("%d %b %Y %H:%M")
        contacts = "" if backup.contact_count is None else f" ({backup.contact_count:,} contacts)"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Restore backup",
            f"Replace the current contacts with the backup from {when}{contacts}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirmRestoreBox")
        box.setInformativeText(
            "The current state is backed up first, so you can return to it by restoring that backup."
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Restore")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered(_result: int) -> None:
            self.confirm_box = None
            if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
                self.restore(backup)

        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(answered)
        self.confirm_box = box
        box.open()  # non-blocking, like the main window's dialogs

    def restore(self, backup: BackupInfo) -> None:
        """Restore without asking (callers confirm first)."""
        try:
            safety = self._backups.restore(backup.path)
        except (NetDeskError, OSError) as exc:
            self.status_label.setText(f"The restore failed: {exc}")
            return
        self.reload()
        self.status_label.setText(
            f"Restored the backup from {backup.created_at:%d %b %Y %H:%M}. "
            f"The previous state was saved as a backup ({safety.contact_count or 0:,} contacts)."
        )
        self.restored.emit(safety)
