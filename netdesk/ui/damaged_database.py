"""When the database cannot be opened (damaged, empty, locked, read-only, an unknown schema): a dialog that says why in
one line and offers what can be done: restore the newest backup that passes integrity_check, open another database,
or quit. Also the warning shown when the daily integrity_check fails while the app runs."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

from netdesk import APP_NAME
from netdesk.core.errors import DamagedDatabaseError, NetDeskError
from netdesk.services import NetDesk, open_netdesk
from netdesk.services.backup import BackupInfo, BackupService


class Choice(Enum):
    RESTORE = "restore"
    OPEN_ANOTHER = "open"
    QUIT = "quit"


class OpenFailureDialog(QMessageBox):
    """Why ``path`` cannot be opened, with the ways out. ``choice`` is set when a button is pressed."""

    def __init__(self, path: Path, error: NetDeskError, backup: BackupInfo | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("openFailureDialog")
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(f"{APP_NAME} cannot open the database")
        self.setText(f"Cannot open {path.name}")
        self.setInformativeText(str(error))
        self.choice = Choice.QUIT
        self.restore_button: QPushButton | None = None
        if backup is not None:
            count = "?" if backup.contact_count is None else f"{backup.contact_count:,}"
            self.restore_button = self.addButton(
                f"Restore the backup of {backup.created_at:%Y-%m-%d %H:%M} ({count} contacts)",
                QMessageBox.ButtonRole.AcceptRole,
            )
            self.restore_button.setObjectName("restoreBackupButton")
        self.open_button = self.addButton("Open another database…", QMessageBox.ButtonRole.ActionRole)
        self.open_button.setObjectName("openAnotherButton")
        self.quit_button = self.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        self.quit_button.setObjectName("quitButton")
        self.setDefaultButton(self.restore_button or self.open_button)
        self.setEscapeButton(self.quit_button)
        self.buttonClicked.connect(self._clicked)

    def _clicked(self, button: object) -> None:
        if button is self.restore_button:
            self.choice = Choice.RESTORE
        elif button is self.open_button:
            self.choice = Choice.OPEN_ANOTHER
        else:
            self.choice = Choice.QUIT


def sound_backup_for(path: Path, error: NetDeskError) -> BackupInfo | None:
    """The newest backup of ``path`` passing integrity_check, when ``error`` says the file is damaged."""
    if not isinstance(error, DamagedDatabaseError):
        return None
    return BackupService(path).newest_sound()


def resolve_open_failure(path: Path, error: NetDeskError, parent: QWidget | None = None) -> Path | None:
    """Ask the user what to do about ``path``; the database to try next (the same one once restored), None to quit."""
    backup = sound_backup_for(path, error)
    dialog = OpenFailureDialog(path, error, backup, parent)
    dialog.exec()
    if dialog.choice is Choice.RESTORE and backup is not None:
        try:
            aside = BackupService(path).restore_over_damaged(backup.path)
        except NetDeskError as exc:
            QMessageBox.critical(parent, f"{APP_NAME}: restore failed", str(exc))
            return None
        QMessageBox.information(
            parent,
            APP_NAME,
            f"Restored the backup of {backup.created_at:%Y-%m-%d %H:%M}. The damaged file is kept as {aside.name}.",
        )
        return path
    if dialog.choice is Choice.OPEN_ANOTHER:
        chosen, _ = QFileDialog.getOpenFileName(
            parent, "Open database", str(path.parent), "NetDesk databases (*.sqlite3 *.sqlite *.db);;All files (*)"
        )
        return Path(chosen) if chosen else None
    return None


def show_damage_warning(parent: QWidget, message: str) -> None:
    """The daily integrity_check failed: say so (non-modal); the app no longer writes to the database."""
    box = QMessageBox(QMessageBox.Icon.Warning, f"{APP_NAME}: the database is damaged", message, parent=parent)
    box.setObjectName("damageWarning")
    box.setInformativeText("NetDesk will not write to it any more. Restore a backup (File → Backups…) or open another.")
    box.open()


def open_or_recover(path: Path, *, ask: bool = True, parent: QWidget | None = None) -> NetDesk | None:
    """Open ``path``; when that fails, say why and offer the ways out (``ask``) until one works. None: the user quit."""
    while True:
        try:
            return open_netdesk(path)
        except NetDeskError as exc:
            if not ask:
                raise
            print(f"netdesk: {exc}", file=sys.stderr)
            next_path = resolve_open_failure(path, exc, parent)
            if next_path is None:
                return None
            path = next_path
